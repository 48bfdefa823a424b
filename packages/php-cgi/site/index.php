<?php
// The front page: a loop, arithmetic and json_encode. Nothing depends on
// PHP's version, the clock or the host, so a test can compare the bytes.
header('Content-Type: text/plain; charset=UTF-8');

$primes = [];
for ($n = 2; count($primes) < 25; $n++) {
    $prime = true;
    for ($d = 2; $d * $d <= $n; $d++) {
        if ($n % $d == 0) {
            $prime = false;
            break;
        }
    }
    if ($prime) {
        $primes[] = $n;
    }
}
$fib = [0, 1];
while (count($fib) < 20) {
    $fib[] = $fib[count($fib) - 1] + $fib[count($fib) - 2];
}

echo "kiln runs PHP behind nginx\n";
echo "primes: ", implode(' ', $primes), "\n";
echo "sum of squares 1..1000: ", array_sum(array_map(fn($i) => $i * $i, range(1, 1000))), "\n";
echo "fibonacci: ", json_encode($fib), "\n";
echo "sha1(kiln): ", sha1('kiln'), "\n";
echo "1700000000 in Paris: ", (new DateTime('@1700000000'))->setTimezone(new DateTimeZone('Europe/Paris'))->format(DATE_ATOM), "\n";
echo json_encode(['sapi' => PHP_SAPI, 'primes' => count($primes), 'last' => end($primes), 'ok' => true]), "\n";
