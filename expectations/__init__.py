"""Great Expectations suites that guard raw batches and the published marts."""

import warnings

# Great Expectations imports pyspark whenever it is installed (it is, for the Spark backend),
# and pyspark 4.3 warns that it does not fully support pandas 3. The suites validate pandas
# frames and never touch Spark; the Spark backend moves data as Arrow, not through pandas.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
