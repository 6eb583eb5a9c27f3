#include "eval/Kernel.h"

#include "eval/Broadcast.h"
#include "eval/Values.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace netfold::eval {

TensorPtr Scope::find(const std::string& name) const
{
    for (const Scope* s = this; s; s = s->parent) {
        if (!s->values)
            continue;
        auto it = s->values->find(name);
        if (it != s->values->end())
            return it->second;
    }
    return nullptr;
}

std::string dimsString(const std::vector<int64_t>& dims)
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i)
        s += (i ? "," : "") + std::to_string(dims[i]);
    return s + "]";
}

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

KernelContext::KernelContext(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                             const EvalOptions& options, const Scope* scope)
    : m_node(node), m_inputs(inputs), m_opset(opset), m_options(options), m_scope(scope)
{
}

std::string KernelContext::prefix() const
{
    return "Cannot evaluate node " + quote(m_node.label()) + " (" + m_node.opType + "): ";
}

void KernelContext::fail(const std::string& reason) const { throw Error(prefix() + reason + "."); }

void KernelContext::failAtLimit(const std::string& reason) const
{
    if (m_options.budget)
        m_options.budget->limitReached = true;
    fail(reason);
}

const Tensor& KernelContext::in(std::size_t i) const
{
    if (!has(i))
        fail("required input " + std::to_string(i) + " is missing");
    return *m_inputs[i];
}

TensorPtr KernelContext::inPtr(std::size_t i) const
{
    in(i);
    return m_inputs[i];
}

int64_t KernelContext::requiredInt(const std::string& name) const
{
    if (!hasAttr(name))
        fail("required attribute '" + name + "' is missing");
    return attrInt(name, 0);
}

void KernelContext::requireType(std::size_t i, TypeSet allowed) const
{
    const int32_t dt = in(i).dtype();
    if (dt >= 0 && dt < 32 && (allowed & typeBit(dt)))
        return;
    const std::string& name = m_node.input(i);
    fail("input " + std::to_string(i) + (name.empty() ? "" : " " + quote(name)) + " has dtype " + dtypeName(dt)
         + ", which " + m_node.opType + " does not accept");
}

void KernelContext::requireSameType(std::size_t i, std::size_t j) const
{
    if (in(i).dtype() != in(j).dtype())
        fail("inputs " + std::to_string(i) + " and " + std::to_string(j) + " have different dtypes ("
             + dtypeName(in(i).dtype()) + " and " + dtypeName(in(j).dtype()) + ")");
}

void KernelContext::requireRank(std::size_t i, std::size_t rank) const
{
    if (in(i).rank() != rank)
        fail("input " + std::to_string(i) + " has rank " + std::to_string(in(i).rank()) + " (shape "
             + dimsString(in(i).dims()) + "), expected " + std::to_string(rank));
}

void KernelContext::requireMinRank(std::size_t i, std::size_t rank) const
{
    if (in(i).rank() < rank)
        fail("input " + std::to_string(i) + " has rank " + std::to_string(in(i).rank()) + ", expected at least "
             + std::to_string(rank));
}

void KernelContext::requireKnownDtype(int32_t dt, const std::string& what) const
{
    if (!isNumericType(dt) && dt != dtype::String)
        fail(what + " " + dtypeName(dt) + " is not supported");
}

int64_t KernelContext::axis(int64_t a, int64_t rank) const
{
    if (a < -rank || a >= rank)
        fail("axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    return a < 0 ? a + rank : a;
}

std::vector<int64_t> KernelContext::axes(const std::vector<int64_t>& list, int64_t rank) const
{
    std::vector<int64_t> out;
    for (int64_t a : list) {
        const int64_t n = axis(a, rank);
        if (std::find(out.begin(), out.end(), n) != out.end())
            fail("axis " + std::to_string(a) + " is repeated");
        out.push_back(n);
    }
    return out;
}

std::vector<int64_t> KernelContext::ints(std::size_t i) const
{
    requireType(i, kIndexTypes);
    return readAs<int64_t>(in(i));
}

int64_t KernelContext::scalarInt(std::size_t i) const
{
    const Tensor& t = in(i);
    if (t.numel() != 1)
        fail("input " + std::to_string(i) + " must hold one value, not shape " + dimsString(t.dims()));
    requireType(i, kInts);
    return readAs<int64_t>(t)[0];
}

double KernelContext::scalarDouble(std::size_t i) const
{
    const Tensor& t = in(i);
    if (t.numel() != 1)
        fail("input " + std::to_string(i) + " must hold one value, not shape " + dimsString(t.dims()));
    requireType(i, kNumericOrBool);
    return readAs<double>(t)[0];
}

std::vector<int64_t> KernelContext::broadcast(const std::vector<std::vector<int64_t>>& shapes) const
{
    auto out = broadcastShapes(shapes);
    if (!out) {
        std::string list;
        for (std::size_t i = 0; i < shapes.size(); ++i)
            list += (i ? (i + 1 == shapes.size() ? " and " : ", ") : "") + dimsString(shapes[i]);
        fail("shapes " + list + " cannot be broadcast together");
    }
    return *out;
}

int64_t KernelContext::checkOutput(int32_t dt, const std::vector<int64_t>& dims) const
{
    const int64_t n = checkedNumel(dims, prefix() + "output of shape " + dimsString(dims));
    if (n == 0)
        checkEmptyExtent(dims, "output");
    const double esize = dt == dtype::String ? double(sizeof(std::string)) : double(dtypeSize(dt));
    checkBytes(double(n) * esize, "output would be ");
    return n;
}

void KernelContext::checkEmptyExtent(const std::vector<int64_t>& dims, const std::string& what) const
{
    const std::string head = what + " of shape " + dimsString(dims) + " is empty, but its other dims multiply ";
    if (!extentFits(dims))
        fail(head + "past int64");
    double extent = 1;
    for (int64_t d : dims)
        extent *= double(std::max<int64_t>(d, 1));
    checkBytes(extent * double(sizeof(double)), head + "to ", " of work space");
}

std::size_t KernelContext::checkScratch(double elements, std::size_t elementSize, const std::string& what) const
{
    checkBytes(elements * double(elementSize), what + " would take ");
    return static_cast<std::size_t>(elements);
}

void KernelContext::checkBytes(double bytes, const std::string& head, const std::string& tail) const
{
    // One buffer alone may not take the whole evaluation's budget (--check's memory cap) either:
    // the budget counts outputs as they are made, this stops a single one before it is allocated.
    // The tighter of the two names itself.
    const EvalBudget* b = m_options.budget;
    if (b && b->maxBytes && b->maxBytes < m_options.maxOutputBytes && bytes > double(b->maxBytes))
        failAtLimit(head + formatBytes(bytes) + tail + ", over the evaluation's " + formatBytes(double(b->maxBytes))
                    + " memory budget");
    if (bytes > double(m_options.maxOutputBytes))
        failAtLimit(head + formatBytes(bytes) + tail + ", over the " + formatBytes(double(m_options.maxOutputBytes)) + " limit");
}

void KernelContext::charge(uint64_t bytes) const
{
    EvalBudget* b = m_options.budget;
    if (!b || b->maxBytes == 0)
        return;
    const uint64_t used = b->usedBytes.fetch_add(bytes) + bytes;
    if (used > b->maxBytes)
        failAtLimit("the evaluation would hold " + formatBytes(double(used)) + ", over its "
                    + formatBytes(double(b->maxBytes)) + " memory budget");
}

void KernelContext::checkBudget(bool iteration) const
{
    EvalBudget* b = m_options.budget;
    if (!b)
        return;
    if (b->cancel && b->cancel->load())
        fail("the evaluation was cancelled");
    if (iteration && b->maxIterations > 0 && ++b->iterations > b->maxIterations)
        failAtLimit("Loop/Scan bodies ran " + std::to_string(b->maxIterations) + " times, the evaluation's iteration cap");
    if (b->maxSeconds > 0) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - b->start).count();
        if (elapsed > b->maxSeconds)
            failAtLimit("the evaluation ran for over " + formatNumber(b->maxSeconds) + " s, its time cap");
    }
}

Output::Output(const KernelContext& ctx, int32_t dt, std::vector<int64_t> dims, Fill fill)
    : m_dtype(dt), m_dims(std::move(dims)), m_esize(dtypeSize(dt))
{
    ctx.requireKnownDtype(dt, "output dtype");
    m_numel = ctx.checkOutput(dt, m_dims);
    const auto size = static_cast<std::size_t>(m_numel) * m_esize;
    ctx.charge(dt == dtype::String ? static_cast<uint64_t>(m_numel) * sizeof(std::string) : size);
    if (dt == dtype::String)
        m_strings.resize(static_cast<std::size_t>(m_numel));
    else if (fill == Fill::Zero)
        m_bytes.assign(size, 0);
    else
        m_bytes.resize(size);
}

namespace {
template <class T> void storeAt(uint8_t* base, int64_t i, T v) { std::memcpy(base + i * int64_t(sizeof(T)), &v, sizeof(T)); }
} // namespace

void Output::setDouble(int64_t i, double v)
{
    uint8_t* b = m_bytes.data();
    switch (m_dtype) {
    case dtype::Float: storeAt(b, i, static_cast<float>(v)); break;
    case dtype::Double: storeAt(b, i, v); break;
    case dtype::Float16: storeAt(b, i, floatToHalf(static_cast<float>(v))); break;
    case dtype::BFloat16: storeAt(b, i, floatToBfloat16(static_cast<float>(v))); break;
    case dtype::Bool: storeAt(b, i, uint8_t(v != 0.0)); break;
    case dtype::Int8: storeAt(b, i, wrappingCast<int8_t>(v)); break;
    case dtype::UInt8: storeAt(b, i, wrappingCast<uint8_t>(v)); break;
    case dtype::Int16: storeAt(b, i, wrappingCast<int16_t>(v)); break;
    case dtype::UInt16: storeAt(b, i, wrappingCast<uint16_t>(v)); break;
    case dtype::Int32: storeAt(b, i, wrappingCast<int32_t>(v)); break;
    case dtype::UInt32: storeAt(b, i, wrappingCast<uint32_t>(v)); break;
    case dtype::Int64: storeAt(b, i, wrappingCast<int64_t>(v)); break;
    case dtype::UInt64: storeAt(b, i, wrappingCast<uint64_t>(v)); break;
    default: break;
    }
}

namespace {
template <class V> void storeInteger(int32_t dt, uint8_t* b, int64_t i, V v)
{
    switch (dt) {
    case dtype::Float: storeAt(b, i, static_cast<float>(v)); break;
    case dtype::Double: storeAt(b, i, static_cast<double>(v)); break;
    case dtype::Float16: storeAt(b, i, floatToHalf(static_cast<float>(v))); break;
    case dtype::BFloat16: storeAt(b, i, floatToBfloat16(static_cast<float>(v))); break;
    case dtype::Bool: storeAt(b, i, uint8_t(v != 0)); break;
    case dtype::Int8: storeAt(b, i, static_cast<int8_t>(v)); break;
    case dtype::UInt8: storeAt(b, i, static_cast<uint8_t>(v)); break;
    case dtype::Int16: storeAt(b, i, static_cast<int16_t>(v)); break;
    case dtype::UInt16: storeAt(b, i, static_cast<uint16_t>(v)); break;
    case dtype::Int32: storeAt(b, i, static_cast<int32_t>(v)); break;
    case dtype::UInt32: storeAt(b, i, static_cast<uint32_t>(v)); break;
    case dtype::Int64: storeAt(b, i, static_cast<int64_t>(v)); break;
    case dtype::UInt64: storeAt(b, i, static_cast<uint64_t>(v)); break;
    default: break;
    }
}
} // namespace

void Output::setInt(int64_t i, int64_t v) { storeInteger(m_dtype, m_bytes.data(), i, v); }

void Output::setUInt(int64_t i, uint64_t v) { storeInteger(m_dtype, m_bytes.data(), i, v); }

void Output::copy(int64_t i, const Tensor& src, int64_t j)
{
    if (m_dtype == dtype::String)
        m_strings[static_cast<std::size_t>(i)] = src.strings()[static_cast<std::size_t>(j)];
    else
        std::memcpy(m_bytes.data() + i * int64_t(m_esize), src.bytes().data() + j * int64_t(m_esize), m_esize);
}

void Output::copyRun(int64_t i, const Tensor& src, int64_t j, int64_t n)
{
    if (n <= 0)
        return;
    if (m_dtype == dtype::String) {
        const auto& s = src.strings();
        std::copy(s.begin() + j, s.begin() + j + n, m_strings.begin() + i);
    } else {
        std::memcpy(m_bytes.data() + i * int64_t(m_esize), src.bytes().data() + j * int64_t(m_esize),
                    static_cast<std::size_t>(n) * m_esize);
    }
}

TensorPtr Output::finish()
{
    if (m_dtype == dtype::String)
        return std::make_shared<const Tensor>(std::move(m_dims), std::move(m_strings));
    return std::make_shared<const Tensor>(m_dtype, std::move(m_dims), std::move(m_bytes));
}

TensorPtr withDims(const KernelContext& ctx, const Tensor& t, std::vector<int64_t> dims)
{
    if (ctx.checkOutput(t.dtype(), dims) != t.numel())
        ctx.fail("cannot give " + std::to_string(t.numel()) + " elements the shape " + dimsString(dims));
    Output out(ctx, t.dtype(), std::move(dims), Output::Fill::Overwritten);
    out.copyRun(0, t, 0, t.numel());
    return out.finish();
}

std::vector<double> broadcastInput(const KernelContext& ctx, std::size_t i, const std::vector<int64_t>& dims)
{
    const Tensor& p = ctx.in(i);
    if (!broadcastsTo(p.dims(), dims))
        ctx.fail("input " + std::to_string(i) + " of shape " + dimsString(p.dims()) + " does not broadcast to "
                 + dimsString(dims));
    double n = 1; // the dims may be a shape no output has: Attention's scores without output 3
    for (int64_t d : dims)
        n *= double(d);
    std::vector<double> out(ctx.checkScratch(n, sizeof(double), "input " + std::to_string(i) + " broadcast to " + dimsString(dims)));
    const auto v = readAs<double>(p);
    BroadcastIterator it(dims, {p.dims()});
    for (auto& o : out) {
        o = v[static_cast<std::size_t>(it.offset(0))];
        it.next();
    }
    return out;
}

} // namespace netfold::eval
