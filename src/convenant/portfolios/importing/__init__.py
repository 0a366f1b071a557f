"""Importing a holdings file, in the order the work is done: ``read`` (the bytes into a table
of text), ``columns`` and ``mapping`` (which column holds which field), ``clean`` (typed,
checked rows), ``request`` (what may be imported, and the rates of its date), ``write`` (the
rows matched and loaded as the snapshot's partition), ``report`` (counts and refused rows).
The action that runs them in one transaction is ``portfolios.actions.holdings``."""
