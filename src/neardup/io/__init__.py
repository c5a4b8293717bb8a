"""Reading records in and writing results out.

:func:`open_inputs` checks paths and picks formats, :func:`read_records`
streams :class:`~neardup.types.Record` objects from them (deterministically,
so the pipeline can read twice), and :class:`ResultWriter` writes a run's
tables atomically.
"""

from neardup.io.readers import Source, open_inputs, read_records, records_from_python
from neardup.io.writers import ResultWriter

__all__ = ["ResultWriter", "Source", "open_inputs", "read_records", "records_from_python"]
