#include "shape/OpsetRules.h"

#include "util/Error.h"

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>
#include <onnx/defs/tensor_proto_util.h>

#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

namespace netfold {

namespace {

using onnx::DataPropagationContext;
using onnx::InferenceContext;
using onnx::TensorProto;
using onnx::TensorShapeProto;
using onnx::TypeProto;
using Ints = std::vector<int64_t>;

// ---- small helpers over ONNX's inference context --------------------------------------------

bool present(InferenceContext& ctx, size_t i) { return i < ctx.getNumInputs() && ctx.getInputType(i) != nullptr; }

const TypeProto* inType(InferenceContext& ctx, size_t i) { return present(ctx, i) ? ctx.getInputType(i) : nullptr; }

/// Shape of tensor input i when known.
const TensorShapeProto* shapeOf(InferenceContext& ctx, size_t i)
{
    const TypeProto* t = inType(ctx, i);
    if (!t || t->value_case() != TypeProto::kTensorType || !t->tensor_type().has_shape())
        return nullptr;
    return &t->tensor_type().shape();
}

int32_t elemOf(InferenceContext& ctx, size_t i)
{
    const TypeProto* t = inType(ctx, i);
    if (!t)
        return 0;
    if (t->value_case() == TypeProto::kTensorType)
        return t->tensor_type().elem_type();
    if (t->value_case() == TypeProto::kSparseTensorType)
        return t->sparse_tensor_type().elem_type();
    return 0;
}

bool outputWanted(InferenceContext& ctx, size_t o) { return o < ctx.getNumOutputs(); }

void setElem(InferenceContext& ctx, size_t o, int32_t elem)
{
    if (outputWanted(ctx, o) && elem != 0)
        ctx.getOutputType(o)->mutable_tensor_type()->set_elem_type(elem);
}

TensorShapeProto* outShape(InferenceContext& ctx, size_t o)
{
    auto* s = ctx.getOutputType(o)->mutable_tensor_type()->mutable_shape();
    s->clear_dim();
    return s;
}

void setShape(InferenceContext& ctx, size_t o, const TensorShapeProto& shape)
{
    if (outputWanted(ctx, o))
        *outShape(ctx, o) = shape;
}

/// The highest rank a rule builds from a length or from values (ShapeInference.cpp keeps shape
/// inputs declared longer than this from inference too).
constexpr int64_t kMaxRank = 1024;
/// The last element type (float4e2m1, 23), newer than ONNX 1.12's enum.
constexpr int64_t kLastElemType = 23;

/// A shape of `rank` dims nobody knows.
TensorShapeProto unknownShape(int64_t rank)
{
    if (rank < 0 || rank > kMaxRank)
        fail_shape_inference("an output rank of ", rank, " is over the limit of ", kMaxRank);
    TensorShapeProto s;
    for (int64_t i = 0; i < rank; ++i)
        s.add_dim();
    return s;
}

void setDim(TensorShapeProto::Dimension* d, int64_t v)
{
    if (v < 0)
        fail_shape_inference("a computed dimension is negative (", v, ")");
    d->set_dim_value(v);
}

bool knownDim(const TensorShapeProto& s, int i) { return i >= 0 && i < s.dim_size() && s.dim(i).has_dim_value(); }

int64_t attrInt(InferenceContext& ctx, const char* name, int64_t def) { return onnx::getAttribute(ctx, name, def); }

std::string attrString(InferenceContext& ctx, const char* name, const std::string& def)
{
    const auto* a = ctx.getAttribute(name);
    return a && a->has_s() ? a->s() : def;
}

std::optional<Ints> attrInts(InferenceContext& ctx, const char* name)
{
    const auto* a = ctx.getAttribute(name);
    if (!a)
        return std::nullopt;
    return Ints(a->ints().begin(), a->ints().end());
}

/// Integer values of input i when they are known: a constant (initializer, Constant) or shape
/// values propagated from a Shape chain.
std::optional<Ints> knownInts(InferenceContext& ctx, size_t i)
{
    if (!present(ctx, i))
        return std::nullopt;
    if (const TensorProto* t = ctx.getInputData(i)) {
        if (t->data_location() == TensorProto::EXTERNAL)
            return std::nullopt;
        if (t->data_type() == TensorProto::INT64)
            return onnx::ParseData<int64_t>(t);
        if (t->data_type() == TensorProto::INT32) {
            auto v = onnx::ParseData<int32_t>(t);
            return Ints(v.begin(), v.end());
        }
        return std::nullopt;
    }
    if (const TensorShapeProto* sym = ctx.getSymbolicInput(i)) {
        Ints v;
        for (const auto& d : sym->dim()) {
            if (!d.has_dim_value())
                return std::nullopt;
            v.push_back(d.dim_value());
        }
        return v;
    }
    return std::nullopt;
}

std::optional<std::vector<float>> knownFloats(InferenceContext& ctx, size_t i)
{
    if (!present(ctx, i))
        return std::nullopt;
    const TensorProto* t = ctx.getInputData(i);
    if (!t || t->data_location() == TensorProto::EXTERNAL || t->data_type() != TensorProto::FLOAT)
        return std::nullopt;
    return onnx::ParseData<float>(t);
}

/// Number of elements of a 1-D input whose length is known (from its shape), -1 otherwise.
int64_t knownLength(InferenceContext& ctx, size_t i)
{
    const auto* s = shapeOf(ctx, i);
    if (s && s->dim_size() == 1 && s->dim(0).has_dim_value())
        return s->dim(0).dim_value();
    return -1;
}

int64_t normAxis(int64_t axis, int64_t rank)
{
    if (axis < -rank || axis >= rank)
        fail_shape_inference("axis ", axis, " is out of range for rank ", rank);
    return axis < 0 ? axis + rank : axis;
}

/// Sizes, pads, strides ... from a model: refused beyond 2^40 so that no sum or product of a
/// few of them overflows.
int64_t bounded(int64_t v, const char* what)
{
    constexpr int64_t kLimit = int64_t(1) << 40;
    if (v > kLimit || v < -kLimit)
        fail_shape_inference(what, " value ", v, " is out of range");
    return v;
}

/// Rounded divisions by b > 0, for any a (no negation or sum that could overflow).
int64_t floorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && a < 0 ? 1 : 0); }
int64_t ceilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 && a > 0 ? 1 : 0); }

// ---- rules ---------------------------------------------------------------------------------

/// Output 0 has input 0's whole type (tensors, sequences, optionals).
void sameAsFirst(InferenceContext& ctx)
{
    if (const TypeProto* t = inType(ctx, 0))
        if (outputWanted(ctx, 0))
            *ctx.getOutputType(0) = *t;
}

/// Output 0 has input 0's shape and the element type `elem` (0: input 0's).
void sameShape(InferenceContext& ctx, int32_t elem)
{
    setElem(ctx, 0, elem ? elem : elemOf(ctx, 0));
    if (const auto* s = shapeOf(ctx, 0))
        setShape(ctx, 0, *s);
}

void boolSameShape(InferenceContext& ctx) { sameShape(ctx, TensorProto::BOOL); }

void broadcast(InferenceContext& ctx, int32_t elem)
{
    setElem(ctx, 0, elem ? elem : elemOf(ctx, 0));
    std::vector<const TensorShapeProto*> shapes;
    for (size_t i = 0; i < ctx.getNumInputs(); ++i) {
        const auto* s = shapeOf(ctx, i);
        if (!s)
            return;
        shapes.push_back(s);
    }
    if (shapes.empty())
        return;
    TensorShapeProto out;
    onnx::multidirectionalBroadcastShapeInference(shapes, out);
    setShape(ctx, 0, out);
}

/// Reduce* of opset 18 (ReduceMax/Min also 20): axes is an optional input.
void reduce(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    if (!in)
        return;
    const int64_t rank = in->dim_size();
    const bool keep = attrInt(ctx, "keepdims", 1) != 0;
    const bool noop = attrInt(ctx, "noop_with_empty_axes", 0) != 0;
    Ints axes;
    if (present(ctx, 1)) {
        auto v = knownInts(ctx, 1);
        if (!v) {
            if (keep)
                setShape(ctx, 0, unknownShape(rank));
            return;
        }
        axes = *v;
    }
    if (axes.empty()) {
        if (noop) {
            setShape(ctx, 0, *in);
            return;
        }
        for (int64_t i = 0; i < rank; ++i)
            axes.push_back(i);
    }
    std::vector<bool> reduced(static_cast<size_t>(rank), false);
    for (auto a : axes)
        reduced[static_cast<size_t>(normAxis(a, rank))] = true;
    TensorShapeProto out;
    for (int64_t i = 0; i < rank; ++i) {
        if (!reduced[static_cast<size_t>(i)])
            *out.add_dim() = in->dim(static_cast<int>(i));
        else if (keep)
            out.add_dim()->set_dim_value(1);
    }
    setShape(ctx, 0, out);
}

/// Split-18: sizes from the split input, or num_outputs equal parts (the last smaller).
void split(InferenceContext& ctx)
{
    const size_t n = ctx.getNumOutputs();
    for (size_t o = 0; o < n; ++o)
        setElem(ctx, o, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    if (!in || n == 0)
        return;
    const int64_t rank = in->dim_size();
    const int axis = static_cast<int>(normAxis(attrInt(ctx, "axis", 0), rank));
    std::optional<Ints> sizes;
    if (present(ctx, 1)) {
        sizes = knownInts(ctx, 1);
        if (sizes && sizes->size() != n)
            fail_shape_inference("split has ", sizes->size(), " values for ", n, " outputs");
    } else if (knownDim(*in, axis)) {
        const int64_t total = bounded(in->dim(axis).dim_value(), "dim");
        const int64_t parts = attrInt(ctx, "num_outputs", static_cast<int64_t>(n));
        if (parts <= 0 || static_cast<size_t>(parts) != n)
            fail_shape_inference("num_outputs ", parts, " does not match the ", n, " outputs");
        const int64_t chunk = ceilDiv(total, parts);
        sizes = Ints();
        for (int64_t i = 0; i < parts; ++i)
            sizes->push_back(std::max<int64_t>(0, std::min(chunk, total - chunk * i)));
    }
    for (size_t o = 0; o < n; ++o) {
        TensorShapeProto out = *in;
        out.mutable_dim(axis)->Clear();
        if (sizes) {
            if ((*sizes)[o] < 0)
                fail_shape_inference("split size ", (*sizes)[o], " is negative");
            out.mutable_dim(axis)->set_dim_value((*sizes)[o]);
        }
        setShape(ctx, o, out);
    }
}

/// Pad-18 and later: pads (and optional axes) inputs.
void pad(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    if (!in)
        return;
    const int64_t rank = in->dim_size();
    Ints axes;
    if (present(ctx, 3)) {
        auto a = knownInts(ctx, 3);
        if (!a) {
            setShape(ctx, 0, unknownShape(rank));
            return;
        }
        for (auto x : *a)
            axes.push_back(normAxis(x, rank));
    } else {
        for (int64_t i = 0; i < rank; ++i)
            axes.push_back(i);
    }
    auto pads = knownInts(ctx, 1);
    if (!pads) {
        setShape(ctx, 0, unknownShape(rank));
        return;
    }
    const size_t k = axes.size();
    if (pads->size() != 2 * k)
        fail_shape_inference("pads has ", pads->size(), " values for ", k, " axes");
    TensorShapeProto out = *in;
    for (size_t i = 0; i < k; ++i) {
        auto* d = out.mutable_dim(static_cast<int>(axes[i]));
        if (d->has_dim_value())
            setDim(d, bounded(d->dim_value(), "dim") + bounded((*pads)[i], "pad") + bounded((*pads)[i + k], "pad"));
        else if ((*pads)[i] != 0 || (*pads)[i + k] != 0)
            d->Clear();
    }
    setShape(ctx, 0, out);
}

/// The `axes` attribute (normalised), or every axis of a rank-`rank` input when it is absent.
Ints axesAttrOrAll(InferenceContext& ctx, int64_t rank)
{
    Ints axes;
    if (auto a = attrInts(ctx, "axes")) {
        for (auto x : *a)
            axes.push_back(normAxis(x, rank));
    } else {
        for (int64_t i = 0; i < rank; ++i)
            axes.push_back(i);
    }
    return axes;
}

/// Resize-18/19: scales or sizes over all axes or the `axes` attribute, aspect-ratio policy.
void resize(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    if (!in)
        return;
    const int64_t rank = in->dim_size();
    const Ints axes = axesAttrOrAll(ctx, rank);
    TensorShapeProto out = *in;
    auto sizes = knownInts(ctx, 3);
    auto scales = knownFloats(ctx, 2);
    if (sizes && sizes->empty())
        sizes.reset();
    if (scales && scales->empty())
        scales.reset();
    const bool sizesGiven = present(ctx, 3) && knownLength(ctx, 3) != 0;
    if (sizes) {
        if (sizes->size() != axes.size())
            fail_shape_inference("sizes has ", sizes->size(), " values for ", axes.size(), " axes");
        const std::string policy = attrString(ctx, "keep_aspect_ratio_policy", "stretch");
        if (policy == "stretch") {
            for (size_t i = 0; i < axes.size(); ++i)
                setDim(out.mutable_dim(static_cast<int>(axes[i])), (*sizes)[i]);
        } else if (policy == "not_larger" || policy == "not_smaller") {
            double scale = policy == "not_larger" ? 1e300 : 0.0;
            for (size_t i = 0; i < axes.size(); ++i) {
                if (!knownDim(*in, static_cast<int>(axes[i]))) {
                    for (auto a : axes)
                        out.mutable_dim(static_cast<int>(a))->Clear();
                    setShape(ctx, 0, out);
                    return;
                }
                const int64_t inDim = in->dim(static_cast<int>(axes[i])).dim_value();
                if (inDim <= 0)
                    fail_shape_inference("cannot keep the aspect ratio of an empty dim");
                const double s = static_cast<double>(bounded((*sizes)[i], "size")) / static_cast<double>(inDim);
                scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
            }
            for (auto a : axes) {
                const double v = std::round(scale * static_cast<double>(in->dim(static_cast<int>(a)).dim_value()));
                if (!(v >= 0 && v < 9.0e18))
                    fail_shape_inference("sizes give an invalid output size");
                setDim(out.mutable_dim(static_cast<int>(a)), static_cast<int64_t>(v));
            }
        } else {
            fail_shape_inference("unknown keep_aspect_ratio_policy '", policy, "'");
        }
    } else if (scales && !sizesGiven) {
        if (scales->size() != axes.size())
            fail_shape_inference("scales has ", scales->size(), " values for ", axes.size(), " axes");
        for (size_t i = 0; i < axes.size(); ++i) {
            auto* d = out.mutable_dim(static_cast<int>(axes[i]));
            if (d->has_dim_value()) {
                const double v = std::floor(static_cast<double>(d->dim_value()) * static_cast<double>((*scales)[i]));
                if (!(v >= 0 && v < 9.0e18))
                    fail_shape_inference("scale ", (*scales)[i], " gives an invalid size");
                d->set_dim_value(static_cast<int64_t>(v));
            } else if ((*scales)[i] != 1.0f) {
                d->Clear();
            }
        }
    } else {
        for (auto a : axes)
            out.mutable_dim(static_cast<int>(a))->Clear();
    }
    setShape(ctx, 0, out);
}

/// Sliding-window output size of one spatial dim (pooling and convolution).
int64_t windowOut(int64_t in, int64_t k, int64_t s, int64_t d, int64_t padBegin, int64_t padEnd,
                  const std::string& autoPad, bool ceilMode)
{
    if (s <= 0 || k <= 0 || d <= 0)
        fail_shape_inference("kernel, strides and dilations must be positive");
    bounded(in, "input dim");
    bounded(k, "kernel");
    bounded(s, "stride");
    bounded(d, "dilation");
    bounded(padBegin, "pad");
    bounded(padEnd, "pad");
    int64_t eff = 0; // the dilated kernel: under 2^62, so that the sums below stay in int64
    if (__builtin_mul_overflow(k - 1, d, &eff) || eff >= (int64_t(1) << 62))
        fail_shape_inference("the dilated kernel (", k, " with dilation ", d, ") is out of range");
    ++eff;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
        return ceilDiv(in, s);
    if (autoPad == "VALID")
        return std::max<int64_t>(0, ceilDiv(in - eff + 1, s));
    const int64_t total = in + padBegin + padEnd - eff;
    if (total < 0)
        fail_shape_inference("the window (", eff, ") is larger than the padded input (", in + padBegin + padEnd, ")");
    int64_t out = (ceilMode ? ceilDiv(total, s) : floorDiv(total, s)) + 1;
    if (ceilMode && (out - 1) * s >= in + padBegin)
        --out; // the last window would start in the end padding
    return out;
}

/// N, C (or C from `channels`) then one window dim per spatial dim.
void windowed(InferenceContext& ctx, const TensorShapeProto& in, const Ints& kernel, std::optional<int64_t> channels)
{
    const int64_t spatial = in.dim_size() - 2;
    if (spatial < 1)
        fail_shape_inference("input needs at least 3 dims, has ", in.dim_size());
    if (static_cast<int64_t>(kernel.size()) != spatial)
        fail_shape_inference("kernel has ", kernel.size(), " dims for ", spatial, " spatial dims");
    const auto strides = attrInts(ctx, "strides").value_or(Ints(static_cast<size_t>(spatial), 1));
    const auto dilations = attrInts(ctx, "dilations").value_or(Ints(static_cast<size_t>(spatial), 1));
    const auto pads = attrInts(ctx, "pads").value_or(Ints(static_cast<size_t>(2 * spatial), 0));
    if (static_cast<int64_t>(strides.size()) != spatial || static_cast<int64_t>(dilations.size()) != spatial
        || static_cast<int64_t>(pads.size()) != 2 * spatial)
        fail_shape_inference("strides, dilations or pads do not match ", spatial, " spatial dims");
    const std::string autoPad = attrString(ctx, "auto_pad", "NOTSET");
    const bool ceilMode = attrInt(ctx, "ceil_mode", 0) != 0;
    TensorShapeProto out;
    *out.add_dim() = in.dim(0);
    if (channels)
        out.add_dim()->set_dim_value(*channels);
    else
        *out.add_dim() = in.dim(1);
    for (int64_t i = 0; i < spatial; ++i) {
        auto* d = out.add_dim();
        const int idx = static_cast<int>(i + 2);
        if (knownDim(in, idx))
            setDim(d, windowOut(in.dim(idx).dim_value(), kernel[static_cast<size_t>(i)], strides[static_cast<size_t>(i)],
                                dilations[static_cast<size_t>(i)], pads[static_cast<size_t>(i)],
                                pads[static_cast<size_t>(i + spatial)], autoPad, ceilMode));
    }
    setShape(ctx, 0, out);
}

/// AveragePool-19/22, LpPool-18/22.
void pool(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    auto kernel = attrInts(ctx, "kernel_shape");
    if (!kernel)
        fail_shape_inference("kernel_shape attribute is missing");
    if (in)
        windowed(ctx, *in, *kernel, std::nullopt);
}

/// DeformConv-19/22: like Conv, kernel from the weight's shape or kernel_shape.
void deformConv(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    const auto* w = shapeOf(ctx, 1);
    if (!in || !w)
        return;
    auto kernel = attrInts(ctx, "kernel_shape");
    if (!kernel) {
        kernel = Ints();
        for (int i = 2; i < w->dim_size(); ++i) {
            if (!w->dim(i).has_dim_value()) {
                setShape(ctx, 0, unknownShape(in->dim_size()));
                return;
            }
            kernel->push_back(w->dim(i).dim_value());
        }
    }
    std::optional<int64_t> outChannels;
    if (knownDim(*w, 0))
        outChannels = w->dim(0).dim_value();
    windowed(ctx, *in, *kernel, outChannels);
    if (!outChannels && outputWanted(ctx, 0))
        ctx.getOutputType(0)->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->Clear();
}

void col2im(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    auto image = knownInts(ctx, 1);
    auto block = knownInts(ctx, 2);
    const int64_t spatial = image ? static_cast<int64_t>(image->size()) : knownLength(ctx, 1);
    if (spatial < 0)
        return;
    if (spatial > kMaxRank)
        fail_shape_inference("image_shape has ", spatial, " values, over the rank limit of ", kMaxRank);
    TensorShapeProto out = unknownShape(2 + spatial);
    if (in && in->dim_size() == 3) {
        *out.mutable_dim(0) = in->dim(0);
        if (block && knownDim(*in, 1)) {
            int64_t prod = 1;
            for (auto b : *block) {
                if (b <= 0)
                    fail_shape_inference("block_shape values must be positive");
                if (prod > (int64_t(1) << 40) / bounded(b, "block_shape"))
                    fail_shape_inference("block size product is out of range");
                prod *= b;
            }
            if (prod <= 0 || in->dim(1).dim_value() % prod != 0)
                fail_shape_inference("input dim 1 is not a multiple of the block size product");
            out.mutable_dim(1)->set_dim_value(in->dim(1).dim_value() / prod);
        }
    }
    if (image)
        for (int64_t i = 0; i < spatial; ++i)
            setDim(out.mutable_dim(static_cast<int>(2 + i)), (*image)[static_cast<size_t>(i)]);
    setShape(ctx, 0, out);
}

void centerCropPad(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    if (!in)
        return;
    const int64_t rank = in->dim_size();
    const Ints axes = axesAttrOrAll(ctx, rank);
    TensorShapeProto out = *in;
    auto shape = knownInts(ctx, 1);
    if (shape && shape->size() != axes.size())
        fail_shape_inference("shape has ", shape->size(), " values for ", axes.size(), " axes");
    for (size_t i = 0; i < axes.size(); ++i) {
        auto* d = out.mutable_dim(static_cast<int>(axes[i]));
        d->Clear();
        if (shape)
            setDim(d, (*shape)[i]);
    }
    setShape(ctx, 0, out);
}

void cast(InferenceContext& ctx)
{
    const auto* to = ctx.getAttribute("to");
    if (!to || !to->has_i())
        fail_type_inference("Cast needs the 'to' attribute");
    if (to->i() <= 0 || to->i() > kLastElemType)
        fail_type_inference("Cast to unknown element type ", to->i());
    sameShape(ctx, static_cast<int32_t>(to->i()));
}

void castLike(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 1));
    if (const auto* s = shapeOf(ctx, 0))
        setShape(ctx, 0, *s);
}

void constant(InferenceContext& ctx)
{
    if (!outputWanted(ctx, 0))
        return;
    TensorShapeProto shape;
    int32_t elem = 0;
    if (const auto* a = ctx.getAttribute("value")) {
        elem = a->t().data_type();
        for (auto d : a->t().dims())
            setDim(shape.add_dim(), d);
    } else if (const auto* s = ctx.getAttribute("sparse_value")) {
        elem = s->sparse_tensor().values().data_type();
        for (auto d : s->sparse_tensor().dims())
            setDim(shape.add_dim(), d);
    } else if (ctx.getAttribute("value_float")) {
        elem = TensorProto::FLOAT;
    } else if (ctx.getAttribute("value_int")) {
        elem = TensorProto::INT64;
    } else if (ctx.getAttribute("value_string")) {
        elem = TensorProto::STRING;
    } else if (const auto* f = ctx.getAttribute("value_floats")) {
        elem = TensorProto::FLOAT;
        shape.add_dim()->set_dim_value(f->floats_size());
    } else if (const auto* i = ctx.getAttribute("value_ints")) {
        elem = TensorProto::INT64;
        shape.add_dim()->set_dim_value(i->ints_size());
    } else if (const auto* ss = ctx.getAttribute("value_strings")) {
        elem = TensorProto::STRING;
        shape.add_dim()->set_dim_value(ss->strings_size());
    } else {
        fail_type_inference("Constant has none of the value attributes");
    }
    setElem(ctx, 0, elem);
    setShape(ctx, 0, shape);
}

void constantOfShape(InferenceContext& ctx)
{
    int32_t elem = TensorProto::FLOAT;
    if (const auto* v = ctx.getAttribute("value"))
        elem = v->t().data_type();
    setElem(ctx, 0, elem);
    if (auto dims = knownInts(ctx, 0)) {
        if (static_cast<int64_t>(dims->size()) > kMaxRank)
            fail_shape_inference("the shape has ", dims->size(), " values, over the rank limit of ", kMaxRank);
        TensorShapeProto out;
        for (auto d : *dims)
            setDim(out.add_dim(), d);
        setShape(ctx, 0, out);
    } else if (const TensorShapeProto* sym = present(ctx, 0) ? ctx.getSymbolicInput(0) : nullptr) {
        if (sym->dim_size() > kMaxRank)
            fail_shape_inference("the shape has ", sym->dim_size(), " values, over the rank limit of ", kMaxRank);
        setShape(ctx, 0, *sym);
    } else {
        const int64_t n = knownLength(ctx, 0);
        if (n >= 0)
            setShape(ctx, 0, unknownShape(n));
    }
}

/// An output_dtype attribute (0: not given), refused when it names no ONNX type.
int32_t outputDtype(InferenceContext& ctx)
{
    const int64_t t = attrInt(ctx, "output_dtype", 0);
    if (t < 0 || t > kLastElemType)
        fail_type_inference("output_dtype ", t, " is not an ONNX element type");
    return static_cast<int32_t>(t);
}

void dequantize(InferenceContext& ctx)
{
    const int32_t outType = outputDtype(ctx);
    sameShape(ctx, outType != 0 ? outType : elemOf(ctx, 1));
}

void quantize(InferenceContext& ctx)
{
    int32_t elem = elemOf(ctx, 2);
    if (!elem)
        elem = outputDtype(ctx);
    if (!elem)
        elem = TensorProto::UINT8;
    sameShape(ctx, elem);
}

/// GroupNormalization, RMSNormalization (Y has the scale's type), RotaryEmbedding ...: X's shape.
void normalization(InferenceContext& ctx) { sameShape(ctx, 0); }

void rmsNormalization(InferenceContext& ctx)
{
    sameShape(ctx, elemOf(ctx, 1) ? elemOf(ctx, 1) : elemOf(ctx, 0));
}

void affineGrid(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    auto size = knownInts(ctx, 1);
    const int64_t n = size ? static_cast<int64_t>(size->size()) : knownLength(ctx, 1);
    if (n != 4 && n != 5) {
        if (n >= 0)
            fail_shape_inference("size must have 4 or 5 values, has ", n);
        return;
    }
    TensorShapeProto out = unknownShape(n);
    if (size) {
        setDim(out.mutable_dim(0), (*size)[0]);
        for (int64_t i = 2; i < n; ++i)
            setDim(out.mutable_dim(static_cast<int>(i - 1)), (*size)[static_cast<size_t>(i)]);
    }
    out.mutable_dim(static_cast<int>(n - 1))->set_dim_value(n - 2);
    setShape(ctx, 0, out);
}

void dft(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* in = shapeOf(ctx, 0);
    if (!in)
        return;
    const int64_t rank = in->dim_size();
    if (rank < 2)
        fail_shape_inference("DFT input needs at least 2 dims");
    TensorShapeProto out = *in;
    out.mutable_dim(static_cast<int>(rank - 1))->set_dim_value(2);
    int64_t axis = -2;
    if (present(ctx, 2)) {
        auto a = knownInts(ctx, 2);
        if (!a || a->size() != 1) {
            setShape(ctx, 0, unknownShape(rank));
            return;
        }
        axis = (*a)[0];
    }
    if (axis < -rank || axis >= rank - 1)
        fail_shape_inference("DFT axis ", axis, " is out of range");
    axis = axis < 0 ? axis + rank : axis;
    if (axis == rank - 1)
        fail_shape_inference("DFT axis cannot be the last (complex) dim");
    auto* d = out.mutable_dim(static_cast<int>(axis));
    if (present(ctx, 1)) {
        auto len = knownInts(ctx, 1);
        d->Clear();
        if (len && len->size() == 1)
            setDim(d, (*len)[0]);
    }
    if (attrInt(ctx, "onesided", 0) != 0) {
        if (d->has_dim_value())
            d->set_dim_value(d->dim_value() / 2 + 1);
        else
            d->Clear();
    }
    setShape(ctx, 0, out);
}

/// STFT-17 as its spec says: ONNX 1.12's inference function reads `onesided` with a default of
/// 0 where the attribute's default is 1, so it gives frame_length bins where ONNX Runtime (and
/// netfold's kernel) give frame_length / 2 + 1.
void stft(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* signal = shapeOf(ctx, 0);
    if (!signal)
        return;
    if (signal->dim_size() != 2 && signal->dim_size() != 3)
        fail_shape_inference("STFT signal needs 2 or 3 dims, not ", signal->dim_size());
    if (const auto* w = shapeOf(ctx, 2); w && w->dim_size() != 1)
        fail_shape_inference("STFT window needs 1 dim, not ", w->dim_size());
    TensorShapeProto out = unknownShape(4);
    *out.mutable_dim(0) = signal->dim(0);
    out.mutable_dim(3)->set_dim_value(2);
    std::optional<int64_t> length;
    if (present(ctx, 3)) {
        if (auto v = knownInts(ctx, 3); v && v->size() == 1)
            length = (*v)[0];
    } else if (const auto* w = shapeOf(ctx, 2); w && knownDim(*w, 0)) {
        length = w->dim(0).dim_value();
    }
    if (length && *length < 1)
        fail_shape_inference("STFT frame_length ", *length, " is not positive");
    const auto step = knownInts(ctx, 1);
    if (step && step->size() == 1 && (*step)[0] < 1)
        fail_shape_inference("STFT frame_step ", (*step)[0], " is not positive");
    if (length) {
        if (knownDim(*signal, 1) && step && step->size() == 1) {
            if (*length > signal->dim(1).dim_value())
                fail_shape_inference("STFT frame_length ", *length, " is longer than the signal (",
                                     signal->dim(1).dim_value(), ")");
            setDim(out.mutable_dim(1), (signal->dim(1).dim_value() - *length) / (*step)[0] + 1);
        }
        setDim(out.mutable_dim(2), attrInt(ctx, "onesided", 1) != 0 ? *length / 2 + 1 : *length);
    }
    setShape(ctx, 0, out);
}

void gridSample(InferenceContext& ctx)
{
    setElem(ctx, 0, elemOf(ctx, 0));
    const auto* x = shapeOf(ctx, 0);
    const auto* g = shapeOf(ctx, 1);
    if (!x && !g)
        return;
    const int64_t rank = x ? x->dim_size() : g->dim_size();
    if (rank < 3)
        fail_shape_inference("GridSample input needs at least 3 dims");
    TensorShapeProto out = unknownShape(rank);
    if (x) {
        *out.mutable_dim(0) = x->dim(0);
        if (rank > 1)
            *out.mutable_dim(1) = x->dim(1);
    }
    if (g) {
        if (g->dim_size() != rank)
            fail_shape_inference("grid rank ", g->dim_size(), " does not match input rank ", rank);
        for (int64_t i = 1; i + 1 < rank; ++i)
            *out.mutable_dim(static_cast<int>(i + 1)) = g->dim(static_cast<int>(i));
        if (!x)
            *out.mutable_dim(0) = g->dim(0);
    }
    setShape(ctx, 0, out);
}

void imageDecoder(InferenceContext& ctx)
{
    setElem(ctx, 0, TensorProto::UINT8);
    TensorShapeProto out = unknownShape(3);
    out.mutable_dim(2)->set_dim_value(attrString(ctx, "pixel_format", "RGB") == "Grayscale" ? 1 : 3);
    setShape(ctx, 0, out);
}

void stringSplit(InferenceContext& ctx)
{
    setElem(ctx, 0, TensorProto::STRING);
    setElem(ctx, 1, TensorProto::INT64);
    if (const auto* s = shapeOf(ctx, 0)) {
        TensorShapeProto y = *s;
        y.add_dim();
        setShape(ctx, 0, y);
        setShape(ctx, 1, *s);
    }
}

void optionalHasElement(InferenceContext& ctx)
{
    setElem(ctx, 0, TensorProto::BOOL);
    setShape(ctx, 0, TensorShapeProto());
}

void optionalGetElement(InferenceContext& ctx)
{
    const TypeProto* t = inType(ctx, 0);
    if (!t || !outputWanted(ctx, 0))
        return;
    if (t->value_case() == TypeProto::kOptionalType)
        *ctx.getOutputType(0) = t->optional_type().elem_type();
    else
        *ctx.getOutputType(0) = *t;
}

/// Attention-23: 4-D [B, heads, seq, head_size] or 3-D [B, seq, heads * head_size] inputs.
void attention(InferenceContext& ctx)
{
    const int32_t qElem = elemOf(ctx, 0);
    setElem(ctx, 0, qElem);
    setElem(ctx, 1, elemOf(ctx, 1));
    setElem(ctx, 2, elemOf(ctx, 2));
    setElem(ctx, 3, qElem);
    const auto* q = shapeOf(ctx, 0);
    const auto* k = shapeOf(ctx, 1);
    const auto* v = shapeOf(ctx, 2);
    if (!q || !k || !v)
        return;
    using Dim = TensorShapeProto::Dimension;
    auto value = [](int64_t x) {
        Dim d;
        if (x >= 0)
            d.set_dim_value(x);
        return d;
    };
    auto divided = [&](const Dim& d, int64_t by) {
        if (!d.has_dim_value() || by <= 0)
            return Dim();
        if (d.dim_value() % by != 0)
            fail_shape_inference("hidden size ", d.dim_value(), " is not a multiple of ", by, " heads");
        return value(d.dim_value() / by);
    };
    const int rank = q->dim_size();
    if (rank != 3 && rank != 4)
        fail_shape_inference("Attention Q must be 3-D or 4-D, is ", rank, "-D");
    if (k->dim_size() != rank || v->dim_size() != rank)
        fail_shape_inference("Attention Q, K and V must have the same rank");
    Dim batch = q->dim(0), qSeq, kvSeq, qHeads, kvHeads, headSize, vHeadSize;
    if (rank == 4) {
        qHeads = q->dim(1);
        qSeq = q->dim(2);
        kvHeads = k->dim(1);
        kvSeq = k->dim(2);
        headSize = k->dim(3);
        vHeadSize = v->dim(3);
    } else {
        const int64_t qn = attrInt(ctx, "q_num_heads", 0);
        const int64_t kvn = attrInt(ctx, "kv_num_heads", 0);
        if (qn <= 0 || kvn <= 0)
            fail_shape_inference("3-D Attention needs q_num_heads and kv_num_heads");
        qHeads = value(qn);
        kvHeads = value(kvn);
        qSeq = q->dim(1);
        kvSeq = k->dim(1);
        headSize = divided(k->dim(2), kvn);
        vHeadSize = divided(v->dim(2), kvn);
    }
    // Total sequence: past + new.
    Dim total = kvSeq;
    if (present(ctx, 4)) {
        const auto* past = shapeOf(ctx, 4);
        if (past && past->dim_size() == 4 && past->dim(2).has_dim_value() && kvSeq.has_dim_value())
            total = value(bounded(past->dim(2).dim_value(), "past sequence") + bounded(kvSeq.dim_value(), "sequence"));
        else
            total = Dim();
    }
    TensorShapeProto y;
    *y.add_dim() = batch;
    if (rank == 4) {
        *y.add_dim() = qHeads;
        *y.add_dim() = qSeq;
        *y.add_dim() = vHeadSize;
    } else {
        *y.add_dim() = qSeq;
        if (qHeads.has_dim_value() && vHeadSize.has_dim_value()) {
            const int64_t heads = qHeads.dim_value(), head = vHeadSize.dim_value();
            if (heads > (int64_t(1) << 30) || head > (int64_t(1) << 30))
                fail_shape_inference("heads or head size out of range");
            y.add_dim()->set_dim_value(heads * head);
        } else {
            y.add_dim();
        }
    }
    setShape(ctx, 0, y);
    auto present4 = [&](const Dim& last) {
        TensorShapeProto s;
        *s.add_dim() = batch;
        *s.add_dim() = kvHeads;
        *s.add_dim() = total;
        *s.add_dim() = last;
        return s;
    };
    if (outputWanted(ctx, 1))
        setShape(ctx, 1, present4(headSize));
    if (outputWanted(ctx, 2))
        setShape(ctx, 2, present4(vHeadSize));
    if (outputWanted(ctx, 3)) {
        TensorShapeProto s;
        *s.add_dim() = batch;
        *s.add_dim() = qHeads;
        *s.add_dim() = qSeq;
        *s.add_dim() = total;
        setShape(ctx, 3, s);
    }
}

// ---- data propagation (shape values) ---------------------------------------------------------

void propagateCast(DataPropagationContext& ctx)
{
    const auto* to = ctx.getAttribute("to");
    if (!to || (to->i() != TensorProto::INT64 && to->i() != TensorProto::INT32))
        return;
    const auto* in = ctx.getInputType(0);
    if (!in || in->value_case() != TypeProto::kTensorType)
        return;
    const int32_t from = in->tensor_type().elem_type();
    if (from != TensorProto::INT64 && from != TensorProto::INT32)
        return;
    if (const TensorShapeProto* data = ctx.getInputData(0)) {
        TensorShapeProto copy = *data;
        ctx.addOutputData(0, std::move(copy));
    }
}

void propagateIdentity(DataPropagationContext& ctx)
{
    if (const TensorShapeProto* data = ctx.getInputData(0)) {
        TensorShapeProto copy = *data;
        ctx.addOutputData(0, std::move(copy));
    }
}

// ---- the table -----------------------------------------------------------------------------

using InferFn = void (*)(InferenceContext&);
using PropagateFn = void (*)(DataPropagationContext&);

struct Rule {
    InferFn infer = nullptr;
    PropagateFn propagate = nullptr;
    /// Instead of infer: the ONNX 1.12 version whose signature this one keeps (only element
    /// types were added), whose inference (and data propagation) then runs.
    int sameAs = 0;
};

const std::map<std::pair<std::string, int>, Rule>& rules()
{
    static const std::map<std::pair<std::string, int>, Rule> table = [] {
        std::map<std::pair<std::string, int>, Rule> t;
        auto own = [&](const char* op, std::initializer_list<int> versions, InferFn f, PropagateFn p = nullptr) {
            for (int v : versions)
                t[{op, v}] = Rule{f, p, 0};
        };
        auto same = [&](const char* op, std::initializer_list<int> versions, int known) {
            for (int v : versions)
                t[{op, v}] = Rule{nullptr, nullptr, known};
        };
        // Opset 17, where ONNX 1.12's own inference disagrees with the spec.
        own("STFT", {17}, stft);
        // Opset 18.
        for (const char* r : {"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMean", "ReduceProd",
                              "ReduceSumSquare"})
            own(r, {18}, reduce);
        own("ReduceMax", {18, 20}, reduce);
        own("ReduceMin", {18, 20}, reduce);
        own("Split", {18}, split);
        own("Pad", {18, 19, 21, 23}, pad);
        own("Resize", {18, 19}, resize);
        own("ScatterElements", {18}, normalization);
        own("ScatterND", {18}, normalization);
        own("Col2Im", {18}, col2im);
        own("CenterCropPad", {18}, centerCropPad);
        own("GroupNormalization", {18, 21}, normalization);
        own("LpPool", {18, 22}, pool);
        own("Mish", {18, 22}, normalization);
        for (const char* b : {"BitwiseAnd", "BitwiseOr", "BitwiseXor"})
            own(b, {18}, [](InferenceContext& c) { broadcast(c, 0); });
        own("BitwiseNot", {18}, normalization);
        own("OptionalGetElement", {18}, optionalGetElement);
        own("OptionalHasElement", {18}, optionalHasElement);
        // Opset 19.
        own("AveragePool", {19, 22}, pool);
        own("Cast", {19, 21, 23}, cast, propagateCast);
        own("CastLike", {19, 21, 23}, castLike);
        own("Constant", {19, 21, 23}, constant);
        own("DeformConv", {19, 22}, deformConv);
        own("Equal", {19}, [](InferenceContext& c) { broadcast(c, TensorProto::BOOL); });
        own("Identity", {19, 21, 23}, sameAsFirst, propagateIdentity);
        same("If", {19, 21, 23}, 16);
        same("Loop", {19, 21, 23}, 16);
        same("Scan", {19, 21, 23}, 16);
        own("DequantizeLinear", {19, 21, 23}, dequantize);
        own("QuantizeLinear", {19, 21, 23}, quantize);
        same("Reshape", {19, 21, 23}, 14);
        same("Shape", {19, 21, 23}, 15);
        same("Size", {19, 21, 23}, 13);
        // Opset 20.
        own("AffineGrid", {20}, affineGrid);
        own("ConstantOfShape", {20, 21, 23}, constantOfShape);
        own("DFT", {20}, dft);
        own("Gelu", {20}, normalization);
        own("GridSample", {20, 22}, gridSample);
        own("ImageDecoder", {20}, imageDecoder);
        own("IsInf", {20}, boolSameShape);
        own("IsNaN", {20}, boolSameShape);
        own("RegexFullMatch", {20}, boolSameShape);
        own("StringConcat", {20}, [](InferenceContext& c) { broadcast(c, TensorProto::STRING); });
        own("StringSplit", {20}, stringSplit);
        // Opset 21.
        same("Flatten", {21, 23}, 13);
        same("QLinearMatMul", {21}, 10);
        same("Squeeze", {21, 23}, 13);
        same("Unsqueeze", {21, 23}, 13);
        same("Transpose", {21, 23}, 13);
        // Opset 22: bfloat16 added; signatures as in the last version ONNX 1.12 knows.
        for (auto op : {std::make_pair("Acos", 7), {"Acosh", 9}, {"Asin", 7}, {"Asinh", 9}, {"Atan", 7},
                        {"Atanh", 9}, {"Bernoulli", 15}, {"Conv", 11}, {"ConvTranspose", 11}, {"Cos", 7},
                        {"Cosh", 9}, {"Det", 11}, {"Dropout", 13}, {"Elu", 6}, {"EyeLike", 9}, {"GRU", 14},
                        {"GlobalAveragePool", 1}, {"GlobalLpPool", 2}, {"GlobalMaxPool", 1}, {"HardSigmoid", 6},
                        {"HardSwish", 14}, {"InstanceNormalization", 6}, {"LSTM", 14}, {"LpNormalization", 1},
                        {"MaxPool", 12}, {"MaxRoiPool", 1}, {"MaxUnpool", 11}, {"Multinomial", 7},
                        {"NegativeLogLikelihoodLoss", 13}, {"RNN", 14}, {"RandomNormal", 1},
                        {"RandomNormalLike", 1}, {"RandomUniform", 1}, {"RandomUniformLike", 1}, {"RoiAlign", 16},
                        {"Round", 11}, {"Selu", 6}, {"Sin", 7}, {"Sinh", 9}, {"Softplus", 1}, {"Softsign", 1},
                        {"Tan", 7}, {"ThresholdedRelu", 10}})
            same(op.first, {22}, op.second);
        // Opset 23.
        own("Attention", {23}, attention);
        own("RMSNormalization", {23}, rmsNormalization);
        own("RotaryEmbedding", {23}, normalization);
        return t;
    }();
    return table;
}

const onnx::OpSchema* knownSchema(const std::string& op, int version)
{
    static std::mutex mutex;
    static std::map<std::pair<std::string, int>, const onnx::OpSchema*> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto key = std::make_pair(op, version);
    auto it = cache.find(key);
    if (it == cache.end())
        it = cache.emplace(key, onnx::OpSchemaRegistry::Schema(op, version, "")).first;
    return it->second;
}

const Rule* find(const std::string& op, int since)
{
    auto it = rules().find({op, since});
    return it == rules().end() ? nullptr : &it->second;
}

} // namespace

namespace {

/// ONNX's inference and propagation functions read required attributes and inputs without
/// looking (the checker runs before them there): a file without one would crash them (Scan's
/// body, found by fuzzing). Throws naming what is missing.
template <typename Context>
void requireAttributes(const onnx::OpSchema& schema, const std::string& op, Context& ctx)
{
    for (const auto& [name, attr] : schema.attributes())
        if (attr.required && !ctx.getAttribute(name))
            throw std::runtime_error("Attribute " + quote(name) + " is required by " + quote(op)
                                     + "; outputs not inferred.");
    // Likewise required inputs given as "" (Shape's data, found by fuzzing): no type to read.
    const auto& formal = schema.inputs();
    for (std::size_t i = 0; i < formal.size(); ++i)
        if (formal[i].GetOption() == onnx::OpSchema::Single
            && (i >= ctx.getNumInputs() || !ctx.getInputType(i)))
            throw std::runtime_error("Input " + std::to_string(i) + " (" + formal[i].GetName() + ") of "
                                     + quote(op) + " is required but missing; outputs not inferred.");
}

} // namespace

bool hasOpsetRule(const std::string& op, int sinceVersion)
{
    const Rule* r = find(op, sinceVersion);
    return r && (r->infer || knownSchema(op, r->sameAs));
}

bool inferWithOpsetRule(const std::string& op, int sinceVersion, InferenceContext& ctx)
{
    const Rule* r = find(op, sinceVersion);
    if (!r)
        return false;
    if (r->infer) {
        r->infer(ctx);
        return true;
    }
    const auto* schema = knownSchema(op, r->sameAs);
    if (!schema || !schema->has_type_and_shape_inference_function())
        return false;
    requireAttributes(*schema, op, ctx);
    schema->GetTypeAndShapeInferenceFunction()(ctx);
    return true;
}

void propagateWithOpsetRule(const std::string& op, int sinceVersion, DataPropagationContext& ctx)
{
    const Rule* r = find(op, sinceVersion);
    if (!r)
        return;
    if (r->propagate) {
        r->propagate(ctx);
        return;
    }
    if (!r->infer) {
        const auto* schema = knownSchema(op, r->sameAs);
        if (schema && schema->has_data_propagation_function()) {
            requireAttributes(*schema, op, ctx);
            schema->GetDataPropagationFunction()(ctx);
        }
    }
}

} // namespace netfold
