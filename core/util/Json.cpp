#include "util/Json.h"

#include "util/Error.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace netfold {

Json& Json::push(Json v)
{
    m_type = Type::Array;
    m_items.push_back(std::move(v));
    return m_items.back();
}

Json& Json::set(const std::string& key, Json v)
{
    m_type = Type::Object;
    for (auto& kv : m_members)
        if (kv.first == key) {
            kv.second = std::move(v);
            return kv.second;
        }
    m_members.emplace_back(key, std::move(v));
    return m_members.back().second;
}

const Json* Json::get(const std::string& key) const
{
    for (const auto& kv : m_members)
        if (kv.first == key)
            return &kv.second;
    return nullptr;
}

namespace {

void escape(std::string& out, const std::string& s)
{
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

void newline(std::string& out, int indent, int depth)
{
    if (indent < 0)
        return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * depth), ' ');
}

struct Parser {
    const std::string& s;
    std::size_t i = 0;

    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error("Bad JSON at offset " + std::to_string(i) + ": " + what + ".");
    }
    void ws()
    {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
            ++i;
    }
    bool eat(char c)
    {
        ws();
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    std::string str()
    {
        if (!eat('"'))
            fail("expected a string");
        std::string out;
        while (i < s.size() && s[i] != '"') {
            char c = s[i++];
            if (c == '\\') {
                if (i >= s.size())
                    fail("unterminated escape");
                char e = s[i++];
                switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    if (i + 4 > s.size())
                        fail("short \\u escape");
                    const unsigned cp = static_cast<unsigned>(std::strtoul(s.substr(i, 4).c_str(), nullptr, 16));
                    i += 4;
                    if (cp < 0x80) {
                        out += static_cast<char>(cp);
                    } else if (cp < 0x800) {
                        out += static_cast<char>(0xc0 | (cp >> 6));
                        out += static_cast<char>(0x80 | (cp & 0x3f));
                    } else {
                        out += static_cast<char>(0xe0 | (cp >> 12));
                        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
                        out += static_cast<char>(0x80 | (cp & 0x3f));
                    }
                    break;
                }
                default: out += e;
                }
            } else {
                out += c;
            }
        }
        if (i >= s.size())
            fail("unterminated string");
        ++i;
        return out;
    }
    Json value()
    {
        ws();
        if (i >= s.size())
            fail("unexpected end");
        const char c = s[i];
        if (c == '{') {
            ++i;
            Json o = Json::object();
            if (eat('}'))
                return o;
            do {
                std::string k = str();
                if (!eat(':'))
                    fail("expected ':'");
                o.set(k, value());
            } while (eat(','));
            if (!eat('}'))
                fail("expected '}'");
            return o;
        }
        if (c == '[') {
            ++i;
            Json a = Json::array();
            if (eat(']'))
                return a;
            do {
                a.push(value());
            } while (eat(','));
            if (!eat(']'))
                fail("expected ']'");
            return a;
        }
        if (c == '"')
            return Json(str());
        if (s.compare(i, 4, "true") == 0) {
            i += 4;
            return Json(true);
        }
        if (s.compare(i, 5, "false") == 0) {
            i += 5;
            return Json(false);
        }
        if (s.compare(i, 4, "null") == 0) {
            i += 4;
            return Json();
        }
        const std::size_t start = i;
        bool isFloat = false;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '+'
                                || s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
            isFloat = isFloat || s[i] == '.' || s[i] == 'e' || s[i] == 'E';
            ++i;
        }
        if (start == i)
            fail("unexpected character");
        const std::string num = s.substr(start, i - start);
        if (isFloat)
            return Json(std::strtod(num.c_str(), nullptr));
        return Json(static_cast<int64_t>(std::strtoll(num.c_str(), nullptr, 10)));
    }
};

} // namespace

void Json::dumpTo(std::string& out, int indent, int depth) const
{
    switch (m_type) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += m_bool ? "true" : "false"; break;
    case Type::Int: out += std::to_string(m_int); break;
    case Type::Double: {
        if (!std::isfinite(m_double)) {
            out += "null";
            break;
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", m_double);
        out += buf;
        break;
    }
    case Type::String: escape(out, m_string); break;
    case Type::Array:
        out += '[';
        for (std::size_t k = 0; k < m_items.size(); ++k) {
            if (k)
                out += ',';
            newline(out, indent, depth + 1);
            m_items[k].dumpTo(out, indent, depth + 1);
        }
        if (!m_items.empty())
            newline(out, indent, depth);
        out += ']';
        break;
    case Type::Object:
        out += '{';
        for (std::size_t k = 0; k < m_members.size(); ++k) {
            if (k)
                out += ',';
            newline(out, indent, depth + 1);
            escape(out, m_members[k].first);
            out += indent < 0 ? ":" : ": ";
            m_members[k].second.dumpTo(out, indent, depth + 1);
        }
        if (!m_members.empty())
            newline(out, indent, depth);
        out += '}';
        break;
    }
}

std::string Json::dump(int indent) const
{
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

Json Json::parse(const std::string& text)
{
    Parser p{text};
    Json v = p.value();
    p.ws();
    if (p.i != text.size())
        p.fail("trailing characters");
    return v;
}

} // namespace netfold
