-- The second run: what the first one left on the volume.
SELECT * FROM totals ORDER BY name;
SELECT count(*) FROM orders;
PRAGMA integrity_check;
