-- Run by tests/apps/sqlite3_ext2.py against a database on ext2, and by the
-- host's sqlite3 as the oracle: tables, a recursive CTE, an index,
-- transactions (one rolled back), aggregates, JSON and a view.
PRAGMA journal_mode=DELETE;
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers(id), amount REAL, note TEXT);
INSERT INTO customers(name, city) VALUES ('ada', 'London'), ('grace', 'Arlington'), ('linus', 'Helsinki');
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO orders(customer, amount, note) SELECT 1 + i % 3, (i * 37 % 1000) / 10.0, printf('order %05d', i) FROM n;
COMMIT;
CREATE INDEX orders_by_customer ON orders(customer, amount);
BEGIN;
DELETE FROM orders;
ROLLBACK;
UPDATE orders SET note = note || ' (big)' WHERE amount > 95;
DELETE FROM orders WHERE id % 10 = 0;
CREATE VIEW totals AS SELECT c.name, count(*) AS n, round(sum(o.amount), 1) AS total
  FROM customers c JOIN orders o ON o.customer = c.id GROUP BY c.name;
SELECT * FROM totals ORDER BY name;
SELECT count(*), min(id), max(id) FROM orders WHERE note LIKE '%(big)';
SELECT json_object('name', name, 'city', city) FROM customers ORDER BY id;
SELECT group_concat(note, '|') FROM (SELECT note FROM orders WHERE customer = 2 ORDER BY amount DESC, id LIMIT 3);
PRAGMA integrity_check;
