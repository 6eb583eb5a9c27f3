#pragma once
#include <stdexcept>
#include <string>

namespace netfold {

/// Every failure netfold reports: a one-line message that names the problem and ends with a period.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Quotes a name for messages: 'name'. Control characters are escaped (\n, \t, \xHH) so a
/// hostile name cannot break a message over lines or send terminal escapes.
inline std::string quote(const std::string& s)
{
    static const char hex[] = "0123456789abcdef";
    std::string out = "'";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else
            out += ch;
    }
    return out + "'";
}

/// A message made safe for one line: control characters escaped as quote() does, no quotes added.
inline std::string oneLine(const std::string& s)
{
    const std::string q = quote(s);
    return q.substr(1, q.size() - 2);
}

} // namespace netfold
