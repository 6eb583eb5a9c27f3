// Shape manipulation and data movement: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Expand,
// Tile, Transpose, Concat, Split, Pad, Range, ConstantOfShape, Constant, Identity, Cast, CastLike,
// Where, EyeLike.
#include "eval/Elementwise.h"
#include "model/Constant.h"
#include "eval/TensorOps.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

int64_t rankOf(const Tensor& t) { return static_cast<int64_t>(t.rank()); }

Outputs shape(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const int64_t rank = rankOf(x);
    auto clampIndex = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t(0), rank); };
    const int64_t start = ctx.opset() >= 15 ? clampIndex(ctx.attrInt("start", 0)) : 0;
    const int64_t end = ctx.opset() >= 15 ? clampIndex(ctx.attrInt("end", rank)) : rank;
    std::vector<int64_t> dims;
    for (int64_t i = start; i < end; ++i)
        dims.push_back(x.dims()[static_cast<std::size_t>(i)]);
    return {Tensor::int64Vector(dims)};
}

Outputs size(KernelContext& ctx) { return {Tensor::int64s({ctx.in(0).numel()}, {})}; }

Outputs identity(KernelContext& ctx) { return {ctx.inPtr(0)}; }

std::vector<int64_t> reshapeDims(const KernelContext& ctx, const Tensor& x, const std::vector<int64_t>& shape,
                                 bool allowZero)
{
    std::vector<int64_t> dims(shape.size());
    int64_t inferred = -1;
    int64_t known = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        int64_t d = shape[i];
        if (d == 0 && !allowZero) {
            if (i >= x.rank())
                ctx.fail("shape entry " + std::to_string(i) + " is 0 (copy), but the input has rank "
                         + std::to_string(x.rank()));
            d = x.dims()[i];
        } else if (d == -1) {
            if (inferred >= 0)
                ctx.fail("shape " + dimsString(shape) + " has more than one -1");
            inferred = static_cast<int64_t>(i);
            continue;
        } else if (d < -1) {
            ctx.fail("shape " + dimsString(shape) + " has the invalid entry " + std::to_string(d));
        }
        if (d != 0 && known > std::numeric_limits<int64_t>::max() / d)
            ctx.fail("shape " + dimsString(shape) + " has too many elements");
        known *= d;
        dims[i] = d;
    }
    if (inferred >= 0) {
        if (allowZero && std::find(shape.begin(), shape.end(), 0) != shape.end())
            ctx.fail("shape " + dimsString(shape) + " has both 0 and -1, which allowzero=1 forbids");
        if (known == 0 || x.numel() % known != 0)
            ctx.fail("cannot reshape shape " + dimsString(x.dims()) + " to " + dimsString(shape));
        dims[static_cast<std::size_t>(inferred)] = x.numel() / known;
    } else if (known != x.numel()) {
        ctx.fail("cannot reshape shape " + dimsString(x.dims()) + " (" + std::to_string(x.numel())
                 + " elements) to " + dimsString(shape));
    }
    return dims;
}

Outputs reshape(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const auto shape = ctx.opset() < 5 ? ctx.attrInts("shape") : ctx.ints(1);
    if (ctx.opset() >= 5 && ctx.in(1).rank() != 1)
        ctx.fail("the shape input must be 1-D, not shape " + dimsString(ctx.in(1).dims()));
    const bool allowZero = ctx.opset() >= 14 && ctx.attrInt("allowzero", 0) != 0;
    return {withDims(ctx, x, reshapeDims(ctx, x, shape, allowZero))};
}

Outputs flatten(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const int64_t rank = rankOf(x);
    int64_t axis = ctx.attrInt("axis", 1);
    if (axis < -rank || axis > rank)
        ctx.fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    if (axis < 0)
        axis += rank;
    const auto a = static_cast<std::size_t>(axis);
    return {withDims(ctx, x, {product(x.dims(), 0, a), product(x.dims(), a)})};
}

/// Axes from the attribute (before opset 13) or from input 1 (from 13); nullopt when absent.
std::optional<std::vector<int64_t>> axesArgument(const KernelContext& ctx, int64_t inputFromOpset)
{
    if (ctx.opset() < inputFromOpset) {
        if (!ctx.hasAttr("axes"))
            return std::nullopt;
        return ctx.attrInts("axes");
    }
    if (!ctx.has(1))
        return std::nullopt;
    return ctx.ints(1);
}

Outputs squeeze(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const auto given = axesArgument(ctx, 13);
    std::vector<int64_t> dims;
    if (!given) {
        for (int64_t d : x.dims())
            if (d != 1)
                dims.push_back(d);
        return {withDims(ctx, x, dims)};
    }
    const auto axes = ctx.axes(*given, rankOf(x));
    for (std::size_t i = 0; i < x.rank(); ++i) {
        const bool squeezed = std::find(axes.begin(), axes.end(), int64_t(i)) != axes.end();
        if (squeezed && x.dims()[i] != 1)
            ctx.fail("cannot squeeze axis " + std::to_string(i) + " of size " + std::to_string(x.dims()[i]));
        if (!squeezed)
            dims.push_back(x.dims()[i]);
    }
    return {withDims(ctx, x, dims)};
}

Outputs unsqueeze(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const auto given = axesArgument(ctx, 13);
    if (!given)
        ctx.fail("axes are missing");
    const int64_t outRank = rankOf(x) + static_cast<int64_t>(given->size());
    const auto axes = ctx.axes(*given, outRank);
    std::vector<int64_t> dims;
    std::size_t next = 0;
    for (int64_t i = 0; i < outRank; ++i)
        dims.push_back(std::find(axes.begin(), axes.end(), i) != axes.end() ? 1 : x.dims()[next++]);
    return {withDims(ctx, x, dims)};
}

/// Copies x into a broadcast shape (Expand).
TensorPtr broadcastCopy(const KernelContext& ctx, const Tensor& x, const std::vector<int64_t>& dims)
{
    Output out(ctx, x.dtype(), dims);
    BroadcastIterator it(dims, {x.dims()});
    for (int64_t i = 0; i < out.numel(); ++i, it.next())
        out.copy(i, x, it.offset(0));
    return out.finish();
}

Outputs expand(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    if (ctx.in(1).rank() != 1)
        ctx.fail("the shape input must be 1-D, not shape " + dimsString(ctx.in(1).dims()));
    const auto shape = ctx.ints(1);
    for (int64_t d : shape)
        if (d < 0)
            ctx.fail("shape " + dimsString(shape) + " has a negative entry");
    return {broadcastCopy(ctx, x, ctx.broadcast({x.dims(), shape}))};
}

Outputs tile(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const auto repeats = ctx.ints(1);
    if (repeats.size() != x.rank())
        ctx.fail("repeats has " + std::to_string(repeats.size()) + " entries for rank " + std::to_string(x.rank()));
    std::vector<int64_t> dims;
    for (std::size_t i = 0; i < repeats.size(); ++i) {
        if (repeats[i] < 0)
            ctx.fail("repeats " + dimsString(repeats) + " has a negative entry");
        if (repeats[i] && x.dims()[i] > std::numeric_limits<int64_t>::max() / repeats[i])
            ctx.fail("output shape overflows");
        dims.push_back(x.dims()[i] * repeats[i]);
    }
    const auto strides = stridesOf(x.dims());
    return {gatherByIndex(ctx, x, dims, [&](const std::vector<int64_t>& idx) {
        int64_t j = 0;
        for (std::size_t a = 0; a < idx.size(); ++a)
            j += (idx[a] % x.dims()[a]) * strides[a];
        return j;
    })};
}

Outputs transpose(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const auto rank = x.rank();
    std::vector<int64_t> perm = ctx.attrInts("perm");
    if (!ctx.hasAttr("perm"))
        for (std::size_t i = rank; i-- > 0;)
            perm.push_back(static_cast<int64_t>(i));
    if (perm.size() != rank)
        ctx.fail("perm " + dimsString(perm) + " does not match rank " + std::to_string(rank));
    perm = ctx.axes(perm, static_cast<int64_t>(rank));
    std::vector<int64_t> dims, strides;
    const auto inStrides = stridesOf(x.dims());
    for (int64_t p : perm) {
        dims.push_back(x.dims()[static_cast<std::size_t>(p)]);
        strides.push_back(inStrides[static_cast<std::size_t>(p)]);
    }
    return {stridedCopy(ctx, x, dims, 0, strides)};
}

Outputs concat(KernelContext& ctx)
{
    if (ctx.inputCount() == 0)
        ctx.fail("it needs at least one input");
    if (!ctx.hasAttr("axis") && ctx.opset() >= 4)
        ctx.fail("required attribute 'axis' is missing");
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 1), rankOf(ctx.in(0)));
    std::vector<const Tensor*> parts;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i)
        parts.push_back(&ctx.in(i));
    return {joinAlong(ctx, parts, axis, false)};
}

std::vector<int64_t> splitSizes(const KernelContext& ctx, int64_t dim)
{
    const auto n = static_cast<int64_t>(ctx.outputCount());
    if (ctx.opset() >= 13 && ctx.has(1))
        return ctx.ints(1);
    if (ctx.opset() < 13 && ctx.hasAttr("split"))
        return ctx.attrInts("split");
    if (ctx.opset() >= 18 && ctx.hasAttr("num_outputs")) {
        const int64_t parts = ctx.attrInt("num_outputs", 0);
        if (parts != n || parts < 1)
            ctx.fail("num_outputs is " + std::to_string(parts) + ", but the node has " + std::to_string(n) + " outputs");
        const int64_t chunk = (dim + parts - 1) / parts;
        if (chunk * (parts - 1) > dim)
            ctx.fail("a dimension of " + std::to_string(dim) + " cannot be split into " + std::to_string(parts) + " parts");
        std::vector<int64_t> sizes(static_cast<std::size_t>(parts - 1), chunk);
        sizes.push_back(dim - chunk * (parts - 1));
        return sizes;
    }
    if (ctx.opset() >= 18)
        ctx.fail("neither split nor num_outputs is given");
    if (n == 0 || dim % n != 0)
        ctx.fail("a dimension of " + std::to_string(dim) + " cannot be split evenly into " + std::to_string(n) + " outputs");
    return std::vector<int64_t>(static_cast<std::size_t>(n), dim / n);
}

Outputs split(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 0), rankOf(x));
    const int64_t dim = x.dims()[static_cast<std::size_t>(axis)];
    const auto sizes = splitSizes(ctx, dim);
    if (sizes.size() != ctx.outputCount())
        ctx.fail("split " + dimsString(sizes) + " has " + std::to_string(sizes.size()) + " entries for "
                 + std::to_string(ctx.outputCount()) + " outputs");
    int64_t total = 0;
    for (int64_t s : sizes) {
        if (s < 0)
            ctx.fail("split " + dimsString(sizes) + " has a negative entry");
        total += s;
    }
    if (total != dim)
        ctx.fail("split " + dimsString(sizes) + " sums to " + std::to_string(total) + ", not " + std::to_string(dim));
    Outputs outputs;
    int64_t start = 0;
    for (int64_t s : sizes) {
        outputs.push_back(sliceAlong(ctx, x, axis, start, s, false));
        start += s;
    }
    return outputs;
}

// ---- Pad -------------------------------------------------------------------------------------

/// Pads as [begin_0, ..., begin_n, end_0, ..., end_n] for every axis of x.
std::vector<int64_t> padAmounts(const KernelContext& ctx, const Tensor& x)
{
    const auto rank = x.rank();
    if (ctx.opset() < 11)
        return ctx.attrInts(ctx.opset() < 2 ? "paddings" : "pads");
    const auto pads = ctx.ints(1);
    if (!ctx.has(3))
        return pads;
    const auto axes = ctx.axes(ctx.ints(3), static_cast<int64_t>(rank));
    if (pads.size() != 2 * axes.size())
        ctx.fail("pads has " + std::to_string(pads.size()) + " entries for " + std::to_string(axes.size()) + " axes");
    std::vector<int64_t> full(2 * rank, 0);
    for (std::size_t k = 0; k < axes.size(); ++k) {
        full[static_cast<std::size_t>(axes[k])] = pads[k];
        full[static_cast<std::size_t>(axes[k]) + rank] = pads[k + axes.size()];
    }
    return full;
}

/// The padding value as a one-element tensor of x's dtype.
TensorPtr padValue(const KernelContext& ctx, const Tensor& x)
{
    if (ctx.opset() >= 11 && ctx.has(2) && ctx.in(2).numel() > 0) {
        ctx.requireSameType(0, 2);
        return ctx.inPtr(2);
    }
    if (x.dtype() == dtype::String)
        return std::make_shared<const Tensor>(std::vector<int64_t>{}, std::vector<std::string>{""});
    Output v(ctx, x.dtype(), {});
    v.setDouble(0, ctx.opset() < 11 ? ctx.attrFloat("value", 0.0f) : 0.0);
    return v.finish();
}

/// Maps a padded coordinate to a source coordinate in [0, n), or -1 for the constant.
int64_t padSource(int64_t c, int64_t n, const std::string& mode)
{
    if (c >= 0 && c < n)
        return c;
    if (mode == "constant")
        return -1;
    if (mode == "edge")
        return c < 0 ? 0 : n - 1;
    if (mode == "wrap")
        return ((c % n) + n) % n;
    if (n == 1)
        return 0;
    const int64_t period = 2 * (n - 1);
    int64_t m = ((c % period) + period) % period;
    return m < n ? m : period - m;
}

Outputs pad(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const std::string mode = ctx.attrString("mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge" && !(mode == "wrap" && ctx.opset() >= 19))
        ctx.fail("mode '" + mode + "' is not supported");
    const auto rank = x.rank();
    const auto pads = padAmounts(ctx, x);
    if (pads.size() != 2 * rank)
        ctx.fail("pads has " + std::to_string(pads.size()) + " entries for rank " + std::to_string(rank));
    std::vector<int64_t> dims(rank);
    for (std::size_t a = 0; a < rank; ++a) {
        if (__builtin_add_overflow(x.dims()[a], pads[a], &dims[a])
            || __builtin_add_overflow(dims[a], pads[a + rank], &dims[a]))
            ctx.fail("pads " + dimsString(pads) + " make axis " + std::to_string(a) + " larger than int64 holds");
        if (dims[a] < 0)
            ctx.fail("pads " + dimsString(pads) + " remove more than axis " + std::to_string(a) + " holds");
        if (mode != "constant" && x.dims()[a] == 0 && dims[a] > 0)
            ctx.fail("cannot pad the empty axis " + std::to_string(a) + " in " + mode + " mode");
    }
    const TensorPtr fill = padValue(ctx, x);
    const auto strides = stridesOf(x.dims());
    return {gatherByIndex(
        ctx, x, dims,
        [&](const std::vector<int64_t>& idx) {
            int64_t j = 0;
            for (std::size_t a = 0; a < rank; ++a) {
                const int64_t c = padSource(idx[a] - pads[a], x.dims()[a], mode);
                if (c < 0)
                    return int64_t(-1);
                j += c * strides[a];
            }
            return j;
        },
        fill.get())};
}

// ---- generators ------------------------------------------------------------------------------

Outputs range(KernelContext& ctx)
{
    const TypeSet types = kFloatTypes | typeBit(dtype::Int16) | typeBit(dtype::Int32) | typeBit(dtype::Int64);
    for (std::size_t i = 0; i < 3; ++i) {
        ctx.requireType(i, types);
        ctx.requireSameType(0, i);
        if (ctx.in(i).numel() != 1)
            ctx.fail("input " + std::to_string(i) + " must be a scalar, not shape " + dimsString(ctx.in(i).dims()));
    }
    const int32_t dt = ctx.in(0).dtype();
    if (isFloatType(dt)) {
        const double start = ctx.scalarDouble(0), limit = ctx.scalarDouble(1), delta = ctx.scalarDouble(2);
        if (delta == 0 || !std::isfinite(delta) || !std::isfinite(start) || !std::isfinite(limit))
            ctx.fail("start, limit and delta must be finite and delta non-zero");
        const double count = std::max(std::ceil((limit - start) / delta), 0.0);
        if (count > 9e18)
            ctx.fail("the range has too many elements");
        Output out(ctx, dt, {static_cast<int64_t>(count)});
        for (int64_t i = 0; i < out.numel(); ++i)
            out.setDouble(i, start + static_cast<double>(i) * delta);
        return {out.finish()};
    }
    const int64_t start = ctx.scalarInt(0), limit = ctx.scalarInt(1), delta = ctx.scalarInt(2);
    if (delta == 0)
        ctx.fail("delta must not be 0");
    const bool up = delta > 0;
    const uint64_t span = up ? (limit > start ? uint64_t(limit) - uint64_t(start) : 0)
                             : (start > limit ? uint64_t(start) - uint64_t(limit) : 0);
    const uint64_t step = up ? uint64_t(delta) : uint64_t(0) - uint64_t(delta);
    const uint64_t count = span / step + (span % step != 0);
    Output out(ctx, dt, {static_cast<int64_t>(count)});
    for (int64_t i = 0; i < out.numel(); ++i)
        out.setInt(i, wrapAdd(start, wrapMul(int64_t(i), delta)));
    return {out.finish()};
}

/// Fills an output of dims with element 0 of value.
TensorPtr filled(const KernelContext& ctx, const Tensor& value, const std::vector<int64_t>& dims)
{
    Output out(ctx, value.dtype(), dims);
    for (int64_t i = 0; i < out.numel(); ++i)
        out.copy(i, value, 0);
    return out.finish();
}

Outputs constantOfShape(KernelContext& ctx)
{
    if (ctx.in(0).rank() != 1)
        ctx.fail("the shape input must be 1-D, not shape " + dimsString(ctx.in(0).dims()));
    const auto dims = ctx.ints(0);
    TensorPtr value = ctx.node().attrTensor("value");
    if (!value)
        value = Tensor::scalar(dtype::Float, 0.0);
    if (value->numel() != 1)
        ctx.fail("value must hold one element, not shape " + dimsString(value->dims()));
    ctx.requireKnownDtype(value->dtype(), "value dtype");
    return {filled(ctx, *value, dims)};
}

Outputs constant(KernelContext& ctx)
{
    if (ctx.hasAttr("sparse_value"))
        ctx.fail("a sparse_value has no kernel");
    TensorPtr t = constantValue(ctx.node());
    if (!t)
        ctx.fail("it has no value attribute");
    ctx.requireKnownDtype(t->dtype(), "value dtype");
    ctx.checkOutput(t->dtype(), t->dims());
    // Decode now, so that a malformed value is reported as this node's error.
    if (t->dtype() == dtype::String)
        t->strings();
    else
        t->bytes();
    return {t};
}

Outputs eyeLike(KernelContext& ctx)
{
    ctx.requireRank(0, 2);
    ctx.requireType(0, kNumericOrBool);
    const Tensor& x = ctx.in(0);
    const auto dt = static_cast<int32_t>(ctx.attrInt("dtype", x.dtype()));
    const int64_t k = ctx.attrInt("k", 0);
    Output out(ctx, dt, x.dims());
    const int64_t cols = x.dims()[1];
    for (int64_t i = 0; i < out.numel(); ++i)
        out.setInt(i, (i % cols) - (i / cols) == k ? 1 : 0);
    return {out.finish()};
}

// ---- Cast and Where ----------------------------------------------------------------------------

TensorPtr castTo(const KernelContext& ctx, const Tensor& x, int32_t to)
{
    ctx.requireKnownDtype(to, "target dtype");
    if (x.dtype() == dtype::String || to == dtype::String) {
        if (x.dtype() == to)
            return withDims(ctx, x, x.dims());
        ctx.fail("casting " + dtypeName(x.dtype()) + " to " + dtypeName(to) + " has no kernel");
    }
    return mapUnary(ctx, x, to, [](auto v) { return v; });
}

Outputs cast(KernelContext& ctx)
{
    ctx.requireType(0, kAnyType);
    return {castTo(ctx, ctx.in(0), static_cast<int32_t>(ctx.requiredInt("to")))};
}

Outputs castLike(KernelContext& ctx)
{
    ctx.requireType(0, kAnyType);
    return {castTo(ctx, ctx.in(0), ctx.in(1).dtype())};
}

Outputs where(KernelContext& ctx)
{
    ctx.requireType(0, kBoolType);
    ctx.requireType(1, kAnyType);
    ctx.requireSameType(1, 2);
    const Tensor& c = ctx.in(0);
    const Tensor& x = ctx.in(1);
    const Tensor& y = ctx.in(2);
    Output out(ctx, x.dtype(), ctx.broadcast({c.dims(), x.dims(), y.dims()}));
    const auto cond = readAs<int64_t>(c);
    BroadcastIterator it(out.dims(), {c.dims(), x.dims(), y.dims()});
    for (int64_t i = 0; i < out.numel(); ++i, it.next()) {
        if (cond[static_cast<std::size_t>(it.offset(0))])
            out.copy(i, x, it.offset(1));
        else
            out.copy(i, y, it.offset(2));
    }
    return {out.finish()};
}

} // namespace

void registerShapeKernels(KernelTable& table)
{
    table["Shape"] = shape;
    table["Size"] = size;
    table["Identity"] = identity;
    table["Reshape"] = reshape;
    table["Flatten"] = flatten;
    table["Squeeze"] = squeeze;
    table["Unsqueeze"] = unsqueeze;
    table["Expand"] = expand;
    table["Tile"] = tile;
    table["Transpose"] = transpose;
    table["Concat"] = concat;
    table["Split"] = split;
    table["Pad"] = pad;
    table["Range"] = range;
    table["ConstantOfShape"] = constantOfShape;
    table["Constant"] = constant;
    table["EyeLike"] = eyeLike;
    table["Cast"] = cast;
    table["CastLike"] = castLike;
    table["Where"] = where;
}

} // namespace netfold::eval
