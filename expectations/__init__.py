"""Great Expectations suites that guard raw batches and the published marts."""
