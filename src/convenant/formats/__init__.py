"""Dates as convenant's pages write them, one format per language (FORMAT_MODULE_PATH).

| language | long (DATE_FORMAT)  | short, in tables (SHORT_DATE_FORMAT) | with time           |
|----------|---------------------|--------------------------------------|---------------------|
| Dutch    | 31 december 2024    | 31-12-2024                           | 31-12-2024 14:05    |
| English  | 31 December 2024    | 31/12/2024                           | 31/12/2024 14:05    |

Day before month in both: the readers are Dutch pension funds, unions and NGOs, and Django's
own English ("Dec. 31, 2024", "12/31/2024") is American. Forms keep accepting YYYY-MM-DD.
"""
