"""Enquiries: accepted once, stored durably, e-mailed to the right hospital team."""
