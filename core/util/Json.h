#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace netfold {

/// A small JSON value for reports (CLI --json, step reports). Objects keep insertion order.
class Json {
public:
    enum class Type { Null, Bool, Int, Double, String, Array, Object };

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : m_type(Type::Bool), m_bool(b) {}
    Json(int v) : m_type(Type::Int), m_int(v) {}
    Json(int64_t v) : m_type(Type::Int), m_int(v) {}
    Json(uint64_t v) : m_type(Type::Int), m_int(static_cast<int64_t>(v)) {}
    Json(unsigned v) : m_type(Type::Int), m_int(v) {}
    Json(long long v) : m_type(Type::Int), m_int(static_cast<int64_t>(v)) {}
    Json(unsigned long long v) : m_type(Type::Int), m_int(static_cast<int64_t>(v)) {}
    Json(double v) : m_type(Type::Double), m_double(v) {}
    Json(const char* s) : m_type(Type::String), m_string(s) {}
    Json(std::string s) : m_type(Type::String), m_string(std::move(s)) {}

    static Json array() { Json j; j.m_type = Type::Array; return j; }
    static Json object() { Json j; j.m_type = Type::Object; return j; }

    Type type() const { return m_type; }
    /// Appends to an array.
    Json& push(Json v);
    /// Sets a key of an object (replacing an existing one), returns the stored value.
    Json& set(const std::string& key, Json v);
    /// Value of a key, or nullptr.
    const Json* get(const std::string& key) const;
    const std::vector<Json>& items() const { return m_items; }
    const std::vector<std::pair<std::string, Json>>& members() const { return m_members; }
    int64_t toInt() const { return m_type == Type::Double ? static_cast<int64_t>(m_double) : m_int; }
    double toDouble() const { return m_type == Type::Int ? static_cast<double>(m_int) : m_double; }
    const std::string& toString() const { return m_string; }
    bool toBool() const { return m_bool; }

    /// Serialises; indent < 0 gives one line.
    std::string dump(int indent = -1) const;
    /// Parses JSON text; throws Error on bad input.
    static Json parse(const std::string& text);

private:
    void dumpTo(std::string& out, int indent, int depth) const;

    Type m_type = Type::Null;
    bool m_bool = false;
    int64_t m_int = 0;
    double m_double = 0;
    std::string m_string;
    std::vector<Json> m_items;
    std::vector<std::pair<std::string, Json>> m_members;
};

} // namespace netfold
