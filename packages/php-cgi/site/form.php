<?php
// A form and its answer: GET shows the form, its POST adds up the numbers.
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    header('Content-Type: text/html; charset=UTF-8');
    echo "<form method=\"post\" action=\"/form.php\">\n";
    echo "<input name=\"who\"> <input name=\"numbers\" value=\"1,2,3\"> <button>Add</button>\n";
    echo "</form>\n";
    return;
}

header('Content-Type: application/json');
$numbers = [];
foreach (explode(',', $_POST['numbers'] ?? '') as $item) {
    if (is_numeric(trim($item))) {
        $numbers[] = (int) trim($item);
    }
}
sort($numbers);
echo json_encode([
    'who' => $_POST['who'] ?? '',
    'count' => count($numbers),
    'sum' => array_sum($numbers),
    'sorted' => $numbers,
]), "\n";
