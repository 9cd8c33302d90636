-- Host slots live for a request: after a crash every slot is free anyway, and taking and
-- freeing one must not wait for the write-ahead log to reach disk. An unlogged table is
-- emptied after a crash and is not written to the log.
ALTER TABLE host_slots SET UNLOGGED;
