"""Personal data handled as such: erasure that really erases, subject access, suppression.

    requests     find everything held about a person; erase it; write a subject-access document
    suppression  salted hashes of erased people's e-mails and phones, kept out of later loads
    cli          `cdp erase` and `cdp subject-access`
"""
