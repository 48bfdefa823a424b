// Built with CMake and kiln's toolchain file.
#include <iostream>
#include <map>
#include <string>

int main()
{
    std::map<std::string, int> counts;
    for (const char *w : {"kiln", "cmake", "kiln"})
        counts[w]++;
    std::cout << "Hello from CMake\n";
    for (const auto &[word, n] : counts)
        std::cout << word << ": " << n << '\n';
    return 0;
}
