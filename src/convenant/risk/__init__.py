"""Risk identification: reference datasets, later themes, methodology and prioritised risks."""
