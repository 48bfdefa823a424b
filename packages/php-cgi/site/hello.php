<?php
// The query string: ?name=...&times=N (N from 1 to 5).
header('Content-Type: text/plain; charset=UTF-8');

$name = $_GET['name'] ?? 'world';
$times = max(1, min(5, (int) ($_GET['times'] ?? 1)));
for ($i = 1; $i <= $times; $i++) {
    echo "$i: Hello, ", htmlspecialchars($name), "!\n";
}
ksort($_GET);
echo "query: ", json_encode($_GET), "\n";
echo "method: ", $_SERVER['REQUEST_METHOD'], "\n";
