<?php
// A script that fails: php-cgi answers 500 with no page, and the error goes
// to nginx's error log (the FastCGI stderr stream), not to the client.
kiln_no_such_function();
