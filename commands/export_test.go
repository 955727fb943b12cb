package commands

// DigestExtras exposes digestExtras to the tests of package commands_test.
var DigestExtras = (*Service).digestExtras
