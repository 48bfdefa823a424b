/*
 * SQLite (Debian's libsqlite3.a, linked statically) on a volume:
 *
 *   sqlite_app create DB   makes a database: a schema, 5000 rows in one
 *                          transaction, an index, updates and deletes in
 *                          further transactions (rollback journal: create,
 *                          write, fsync, unlink on every commit)
 *   sqlite_app query DB    runs fixed queries and prints the results
 *
 * The output is exact: the test compares it with a file, and runs the same
 * program natively to check that file.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        printf("sqlite_app: %s: %s\n", sql, err);
        exit(1);
    }
}

static int print_row(void *ctx, int n, char **values, char **names)
{
    (void)ctx, (void)names;
    for (int i = 0; i < n; i++)
        printf("%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
    printf("\n");
    return 0;
}

static void query(const char *sql)
{
    printf("> %s\n", sql);
    char *err = NULL;
    if (sqlite3_exec(db, sql, print_row, NULL, &err) != SQLITE_OK) {
        printf("sqlite_app: %s\n", err);
        exit(1);
    }
}

static void create(void)
{
    exec("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
         "grp INTEGER, price REAL, blob BLOB)");
    exec("BEGIN");
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO item(name, grp, price, blob) VALUES(?, ?, ?, ?)", -1,
                       &st, NULL);
    char name[64], blob[300];
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "item-%05d", i * 7919 % 5000);
        memset(blob, 'a' + i % 26, sizeof blob);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, i % 13);
        sqlite3_bind_double(st, 3, (i % 1000) / 4.0);
        sqlite3_bind_blob(st, 4, blob, 1 + i % (int)sizeof blob, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            printf("sqlite_app: insert: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec("COMMIT");
    exec("CREATE INDEX item_name ON item(name)");
    exec("UPDATE item SET price = price * 2 WHERE grp = 3");
    exec("DELETE FROM item WHERE grp = 7");
    exec("CREATE TABLE note(k TEXT PRIMARY KEY, v TEXT)");
    exec("INSERT INTO note VALUES('made-by', 'sqlite_app create')");
    printf("created\n");
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "create") && strcmp(argv[1], "query"))) {
        printf("usage: sqlite_app create|query DB\n");
        return 2;
    }
    int flags = SQLITE_OPEN_READWRITE | (strcmp(argv[1], "create") ? 0 : SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(argv[2], &db, flags, NULL) != SQLITE_OK) {
        printf("sqlite_app: open %s: %s\n", argv[2], sqlite3_errmsg(db));
        return 1;
    }
    if (strcmp(argv[1], "create") == 0) {
        create();
    } else {
        query("PRAGMA integrity_check");
        query("SELECT count(*), sum(grp), printf('%.2f', sum(price)), sum(length(blob)) FROM item");
        query("SELECT grp, count(*), printf('%.2f', avg(price)) FROM item GROUP BY grp ORDER BY grp");
        query("SELECT id, name, grp FROM item WHERE name BETWEEN 'item-01000' AND 'item-01004' ORDER BY name");
        query("SELECT count(*) FROM item WHERE grp = 7");
        query("SELECT v FROM note WHERE k = 'made-by'");
        exec("INSERT INTO note VALUES('queried', 'yes')");
        query("SELECT count(*) FROM note");
    }
    if (sqlite3_close(db) != SQLITE_OK) {
        printf("sqlite_app: close: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    return 0;
}
