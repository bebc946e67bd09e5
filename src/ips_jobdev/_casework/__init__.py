"""The write use cases of the record: log, complete and cancel visits; specialists and
caseloads; jobs; job-fit notes. Each takes a unit of work, stages the change, records the
events plugins hear of after the commit, and leaves the commit to the caller."""
