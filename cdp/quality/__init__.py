"""How good the matching is, and how fast, measured on files we did not write.

    evaluate       a crosswalk against a ground-truth file: pairwise precision, recall, F1
    side_by_side   `make quality`: this project beside plain Splink, recordlinkage's ECM and
                   the exact e-mail-or-phone rule, on FEBRL 1-4, fake_1000 and the samples
    datasets       those files as channel exports, with their truth
    peers          the tools a user would pick instead, each configured as its own docs do
    recordlinkage_ecm  recordlinkage's ECM classifier (runs in .venv-peers)
    febrl          FEBRL's person files as channel exports
    names_only     generated exports without e-mails or phones
    scale          `make bench`: time, memory and quality of every stage at a given scale
"""
