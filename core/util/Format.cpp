#include "util/Format.h"

#include <cstdio>

namespace netfold {

std::string formatBytes(double bytes)
{
    static const char* const units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    int unit = 0;
    // Steps of 1024, as the sizes users give are read ("1.5MB" is onnxsim's 1.5 * 2^20 bytes):
    // a limit set as 1.5 MB is shown as 1.5 MB.
    while (bytes >= 1000.0 && unit < 6) {
        bytes /= 1024.0;
        ++unit;
    }
    char buf[48];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[unit]);
    return buf;
}

} // namespace netfold
