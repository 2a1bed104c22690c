"""Customer data platform: channel exports in, one trustworthy profile per customer out."""
