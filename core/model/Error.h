#pragma once
#include <stdexcept>
#include <string>

namespace netfold {

/// Every failure netfold reports: a one-line message that names the problem and ends with a period.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Quotes a name for messages: 'name'.
inline std::string quote(const std::string& s) { return "'" + s + "'"; }

} // namespace netfold
