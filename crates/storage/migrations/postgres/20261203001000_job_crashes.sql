-- How often a job's lease lapsed while it ran (the worker died running it). A job that takes
-- its worker down a second time is marked dead instead of being run again.
ALTER TABLE jobs ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
