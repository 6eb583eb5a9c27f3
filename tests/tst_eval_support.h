#pragma once
// Helpers shared by tst_eval.cpp and tst_eval_ort.cpp: tensor literals, one-node construction and
// tensor comparison.
//
// Tensor literal: dtype[dims]{values}, e.g. "float[2,2]{1,2,3,nan}", "int64[]{7}", "bool[3]{1,0,1}",
// "string[2]{a,b}". Attribute: name=value with value 3 (int), 0.5 (float), 'text' (string),
// [1,2] (ints), [0.5,1.0] (floats), tensor:int64[1]{5} (tensor).
#include "model/DataType.h"
#include "model/Graph.h"
#include "model/Tensor.h"

#include <onnx/onnx_pb.h>

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

namespace netfold::evaltest {

inline double parseNumber(const QString& token)
{
    const QString t = token.trimmed().toLower();
    if (t == "nan")
        return std::numeric_limits<double>::quiet_NaN();
    if (t == "inf")
        return std::numeric_limits<double>::infinity();
    if (t == "-inf")
        return -std::numeric_limits<double>::infinity();
    if (t == "true")
        return 1;
    if (t == "false")
        return 0;
    return t.toDouble();
}

/// Builds a tensor of dtype dt from value tokens; integers are parsed exactly.
inline TensorPtr makeTensor(int32_t dt, const std::vector<int64_t>& dims, const QStringList& tokens)
{
    if (dt == dtype::String) {
        std::vector<std::string> s;
        for (const auto& t : tokens)
            s.push_back(t.trimmed().toStdString());
        return std::make_shared<const Tensor>(dims, std::move(s));
    }
    if (isIntegerType(dt)) {
        const std::size_t es = dtypeSize(dt);
        Bytes bytes(static_cast<std::size_t>(tokens.size()) * es);
        for (int i = 0; i < tokens.size(); ++i) {
            const QString t = tokens[i].trimmed();
            const uint64_t bits = t.startsWith('-') ? static_cast<uint64_t>(t.toLongLong()) : t.toULongLong();
            std::memcpy(bytes.data() + static_cast<std::size_t>(i) * es, &bits, es); // little-endian truncation
        }
        return std::make_shared<const Tensor>(dt, dims, std::move(bytes));
    }
    std::vector<double> v;
    for (const auto& t : tokens)
        v.push_back(parseNumber(t));
    return Tensor::fromDoubles(dt, dims, v);
}

/// Parses a tensor literal (see the file comment); "" gives nullptr (an omitted input).
inline TensorPtr parseTensor(const QString& spec)
{
    if (spec.trimmed().isEmpty())
        return nullptr;
    static const QRegularExpression re(R"(^\s*(\w+)\[([^\]]*)\]\{(.*)\}\s*$)",
                                       QRegularExpression::DotMatchesEverythingOption);
    const auto m = re.match(spec);
    if (!m.hasMatch())
        throw std::runtime_error("bad tensor literal: " + spec.toStdString());
    const int32_t dt = dtypeFromName(m.captured(1).toStdString());
    std::vector<int64_t> dims;
    for (const auto& d : m.captured(2).split(',', Qt::SkipEmptyParts))
        dims.push_back(d.trimmed().toLongLong());
    QStringList tokens = m.captured(3).split(',', Qt::SkipEmptyParts);
    if (tokens.isEmpty() && dt != dtype::String) // "{}" on a non-empty shape: zeros
        for (int64_t i = checkedNumel(dims, "literal"); i > 0; --i)
            tokens.append("0");
    return makeTensor(dt, dims, tokens);
}

inline bool looksFloat(const QString& s)
{
    return s.contains('.') || (s.contains('e', Qt::CaseInsensitive) && !s.contains("inf", Qt::CaseInsensitive))
           || s.contains("inf", Qt::CaseInsensitive) || s.contains("nan", Qt::CaseInsensitive);
}

/// Adds one attribute given as name=value (see the file comment) to a NodeProto.
inline void addAttribute(onnx::NodeProto& node, const QString& spec)
{
    const int eq = spec.indexOf('=');
    auto* a = node.add_attribute();
    a->set_name(spec.left(eq).trimmed().toStdString());
    const QString v = spec.mid(eq + 1).trimmed();
    if (v.startsWith("tensor:")) {
        a->set_type(onnx::AttributeProto::TENSOR);
        parseTensor(v.mid(7))->toProto(*a->mutable_t(), "");
    } else if (v.startsWith('\'')) {
        a->set_type(onnx::AttributeProto::STRING);
        a->set_s(v.mid(1, v.size() - 2).toStdString());
    } else if (v.startsWith('[')) {
        const QStringList items = v.mid(1, v.size() - 2).split(',', Qt::SkipEmptyParts);
        const bool floats = std::any_of(items.begin(), items.end(), looksFloat);
        a->set_type(floats ? onnx::AttributeProto::FLOATS : onnx::AttributeProto::INTS);
        for (const auto& item : items) {
            if (floats)
                a->add_floats(static_cast<float>(parseNumber(item)));
            else
                a->add_ints(item.trimmed().toLongLong());
        }
    } else if (looksFloat(v)) {
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(static_cast<float>(parseNumber(v)));
    } else {
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v.toLongLong());
    }
}

/// A node of op with inputs in0.. (an empty name for omitted ones) and outputs out0...
inline Node makeNode(const QString& op, const QStringList& attrs, const std::vector<bool>& present, int outputs,
                     const QString& name = QString())
{
    auto proto = std::make_shared<onnx::NodeProto>();
    proto->set_op_type(op.toStdString());
    proto->set_name(name.toStdString());
    Node node;
    node.id = 1;
    node.name = name.toStdString();
    node.opType = op.toStdString();
    for (std::size_t i = 0; i < present.size(); ++i) {
        node.inputs.push_back(present[i] ? "in" + std::to_string(i) : std::string());
        proto->add_input(node.inputs.back());
    }
    for (int i = 0; i < outputs; ++i) {
        node.outputs.push_back("out" + std::to_string(i));
        proto->add_output(node.outputs.back());
    }
    for (const auto& a : attrs)
        addAttribute(*proto, a);
    node.proto = proto;
    return node;
}

/// "float[2,3]{1,2,...}" (at most 12 values).
inline QString describe(const Tensor& t)
{
    QString s = QString::fromStdString(dtypeName(t.dtype())) + "[";
    for (std::size_t i = 0; i < t.rank(); ++i)
        s += (i ? "," : "") + QString::number(t.dims()[i]);
    s += "]{";
    const int64_t n = std::min<int64_t>(t.numel(), 12);
    for (int64_t i = 0; i < n; ++i) {
        if (i)
            s += ",";
        if (t.dtype() == dtype::String)
            s += QString::fromStdString(t.strings()[static_cast<std::size_t>(i)]);
        else if (isFloatType(t.dtype()))
            s += QString::number(t.at(i), 'g', 9);
        else
            s += QString::number(t.intAt(i));
    }
    return s + (t.numel() > n ? ",...}" : "}");
}

/// Empty when actual matches expected (same dtype and dims; floats within rtol/atol, NaN equal to
/// NaN; integers, bools and strings exactly), else what differs.
inline QString compareTensors(const Tensor& expected, const Tensor& actual, double rtol, double atol)
{
    if (expected.dtype() != actual.dtype() || expected.dims() != actual.dims())
        return "expected " + describe(expected) + ", got " + describe(actual);
    for (int64_t i = 0; i < expected.numel(); ++i) {
        bool same;
        if (expected.dtype() == dtype::String) {
            same = expected.strings()[std::size_t(i)] == actual.strings()[std::size_t(i)];
        } else if (isFloatType(expected.dtype())) {
            const double e = expected.at(i), a = actual.at(i);
            same = (std::isnan(e) && std::isnan(a)) || e == a || std::fabs(e - a) <= atol + rtol * std::fabs(e);
        } else {
            same = expected.intAt(i) == actual.intAt(i);
        }
        if (!same)
            return "element " + QString::number(i) + " differs: expected " + describe(expected) + ", got "
                   + describe(actual);
    }
    return {};
}

} // namespace netfold::evaltest
