// A static program for the ELF reader tests.
int main(void) { return 0; }
