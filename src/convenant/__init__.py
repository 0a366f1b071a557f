"""convenant: runs a multi-stakeholder responsible-investment covenant and its due diligence."""
