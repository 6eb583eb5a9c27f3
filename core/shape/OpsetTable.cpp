#include "shape/OpsetTable.h"

#include <algorithm>
#include <map>
#include <iterator>

namespace netfold {

namespace {

struct RawSignature {
    const char* op;
    int since;
    std::vector<const char*> inputs, outputs, attributes, constraints;
};

const RawSignature kSignatures[] = {
#include "shape/OpsetSignatures.inc"
};

struct LaterVersion {
    const char* op;
    int since;
};

const LaterVersion kLater[] = {
#include "shape/OpsetLater.inc"
};

/// What each operator does, in one line.
const std::pair<const char*, const char*> kSummaries[] = {
    {"Acos", "Element-wise arc cosine."},
    {"Acosh", "Element-wise inverse hyperbolic cosine."},
    {"AffineGrid", "Builds a sampling grid for GridSample from batches of affine matrices and a target size."},
    {"Asin", "Element-wise arc sine."},
    {"Asinh", "Element-wise inverse hyperbolic sine."},
    {"Atan", "Element-wise arc tangent."},
    {"Atanh", "Element-wise inverse hyperbolic tangent."},
    {"Attention", "Scaled dot-product attention of Q over K/V (3-D or 4-D, grouped heads, optional mask and KV cache)."},
    {"AveragePool", "Mean over sliding windows of the spatial dims (kernel, strides, pads, dilations, ceil mode)."},
    {"Bernoulli", "Draws 0/1 samples with the input as probability (non-deterministic)."},
    {"BitwiseAnd", "Element-wise bitwise AND of two integer tensors, broadcasting."},
    {"BitwiseNot", "Element-wise bitwise NOT of an integer tensor."},
    {"BitwiseOr", "Element-wise bitwise OR of two integer tensors, broadcasting."},
    {"BitwiseXor", "Element-wise bitwise XOR of two integer tensors, broadcasting."},
    {"Cast", "Converts every element to the type given by 'to' (saturating for float8 when asked)."},
    {"CastLike", "Converts every element to the element type of the second input."},
    {"CenterCropPad", "Crops or pads the given axes around their centre to the requested sizes."},
    {"Col2Im", "Rearranges sliding-block columns back into an image, summing overlaps (inverse of im2col)."},
    {"Constant", "Produces the tensor (or scalar, list) held in its attribute."},
    {"ConstantOfShape", "Makes a tensor of the given shape filled with one value."},
    {"Conv", "N-d convolution of the input with the weight kernel, optional bias."},
    {"ConvTranspose", "N-d transposed (fractionally strided) convolution."},
    {"Cos", "Element-wise cosine."},
    {"Cosh", "Element-wise hyperbolic cosine."},
    {"DFT", "Discrete Fourier transform along one axis (real or complex input, optional inverse/one-sided)."},
    {"DeformConv", "2-D convolution whose sampling positions are shifted by learned offsets (and masked)."},
    {"DequantizeLinear", "Turns quantized integers (or float8/int4) back into real numbers: (x - zero_point) * scale."},
    {"Det", "Determinant of each square matrix in the batch."},
    {"Dropout", "Identity at inference; random zeroing with scaling when training."},
    {"Elu", "Element-wise exponential linear unit."},
    {"Equal", "Element-wise equality test with broadcasting; bool output."},
    {"EyeLike", "2-D tensor shaped like the input with ones on a diagonal."},
    {"Flatten", "Reshapes to 2-D: dims before 'axis' into rows, the rest into columns."},
    {"GRU", "Gated recurrent unit layer over a sequence."},
    {"Gelu", "Element-wise Gaussian error linear unit (exact or tanh approximation)."},
    {"GlobalAveragePool", "Mean over all spatial dims, keeping them as size 1."},
    {"GlobalLpPool", "Lp norm over all spatial dims, keeping them as size 1."},
    {"GlobalMaxPool", "Maximum over all spatial dims, keeping them as size 1."},
    {"GridSample", "Samples the input at the grid's normalized coordinates (interpolation and padding modes)."},
    {"GroupNormalization", "Normalizes channels in groups by their mean and variance, then scales and shifts per channel."},
    {"HardSigmoid", "Element-wise clamp(alpha * x + beta, 0, 1)."},
    {"HardSwish", "Element-wise x * HardSigmoid(x) with alpha 1/6, beta 0.5."},
    {"Identity", "Passes its input through unchanged."},
    {"If", "Runs the then- or else-branch body depending on a boolean condition."},
    {"ImageDecoder", "Decodes an encoded image (JPEG, PNG, ...) into an HxWxC uint8 tensor."},
    {"InstanceNormalization", "Normalizes each channel of each sample by its own mean and variance."},
    {"IsInf", "Element-wise test for positive and/or negative infinity."},
    {"IsNaN", "Element-wise test for NaN."},
    {"LSTM", "Long short-term memory layer over a sequence."},
    {"Loop", "Runs its body for a trip count and/or while a condition holds, carrying values."},
    {"LpNormalization", "Divides by the Lp norm along one axis."},
    {"LpPool", "Lp norm over sliding windows of the spatial dims."},
    {"MaxPool", "Maximum over sliding windows of the spatial dims, optional argmax indices."},
    {"MaxRoiPool", "Max pooling over regions of interest."},
    {"MaxUnpool", "Scatters pooled maxima back to their original positions."},
    {"Mish", "Element-wise x * tanh(softplus(x))."},
    {"Multinomial", "Samples class indices from unnormalized log-probabilities (non-deterministic)."},
    {"NegativeLogLikelihoodLoss", "Negative log-likelihood loss with optional weights and ignore index."},
    {"OptionalGetElement", "Unwraps the value held by an optional (a tensor passes through)."},
    {"OptionalHasElement", "True when the optional input holds a value."},
    {"Pad", "Pads (or crops, with negative pads) chosen axes: constant, reflect, edge or wrap."},
    {"QLinearMatMul", "Matrix product of quantized operands, requantized to the output scale and zero point."},
    {"QuantizeLinear", "Turns real numbers into quantized integers or float8/int4: saturate(round(x / scale) + zero_point)."},
    {"RMSNormalization", "Divides by the root mean square over the trailing axes, then scales."},
    {"RNN", "Simple recurrent layer over a sequence."},
    {"RandomNormal", "Tensor of normal random values (non-deterministic)."},
    {"RandomNormalLike", "Normal random values shaped like the input (non-deterministic)."},
    {"RandomUniform", "Tensor of uniform random values (non-deterministic)."},
    {"RandomUniformLike", "Uniform random values shaped like the input (non-deterministic)."},
    {"ReduceL1", "Sum of absolute values over the given axes."},
    {"ReduceL2", "Euclidean norm over the given axes."},
    {"ReduceLogSum", "Log of the sum over the given axes."},
    {"ReduceLogSumExp", "Log of the sum of exponentials over the given axes."},
    {"ReduceMax", "Maximum over the given axes."},
    {"ReduceMean", "Mean over the given axes."},
    {"ReduceMin", "Minimum over the given axes."},
    {"ReduceProd", "Product over the given axes."},
    {"ReduceSumSquare", "Sum of squares over the given axes."},
    {"RegexFullMatch", "Element-wise: does the whole string match the regular expression."},
    {"Reshape", "Gives the data a new shape with the same element count (0 copies a dim, -1 infers one)."},
    {"Resize", "Resizes spatial (or chosen) axes by scales or to sizes: nearest, linear or cubic."},
    {"RoiAlign", "Bilinearly pooled features for regions of interest."},
    {"RotaryEmbedding", "Rotates pairs of features by position-dependent angles (rotary position embedding)."},
    {"Round", "Element-wise round half to even."},
    {"Scan", "Runs its body over slices of scan inputs, carrying state and stacking outputs."},
    {"ScatterElements", "Writes updates into a copy of data at per-element indices along an axis (optional reduction)."},
    {"ScatterND", "Writes update slices into a copy of data at N-d indices (optional reduction)."},
    {"Selu", "Element-wise scaled exponential linear unit."},
    {"Shape", "The input's shape as a 1-D int64 tensor (optionally a start:end slice of it)."},
    {"Sin", "Element-wise sine."},
    {"Sinh", "Element-wise hyperbolic sine."},
    {"Size", "The input's element count as an int64 scalar."},
    {"Softplus", "Element-wise log(1 + exp(x))."},
    {"Softsign", "Element-wise x / (1 + |x|)."},
    {"Split", "Cuts a tensor along an axis into parts of given sizes or into num_outputs equal parts."},
    {"Squeeze", "Removes size-1 dims (the given axes, or all)."},
    {"StringConcat", "Element-wise concatenation of two string tensors, broadcasting."},
    {"StringSplit", "Splits each string at a separator into a padded list of substrings, plus their counts."},
    {"Tan", "Element-wise tangent."},
    {"ThresholdedRelu", "Element-wise x where x > alpha, else 0."},
    {"Transpose", "Permutes the dims (reverses them by default)."},
    {"Unsqueeze", "Inserts size-1 dims at the given axes."},
};

const std::map<std::string, std::string>& summaries()
{
    static const std::map<std::string, std::string> s(std::begin(kSummaries), std::end(kSummaries));
    return s;
}

/// What a version changed against the one before it.
std::string changeNote(const std::string& op, int v)
{
    static const std::map<std::string, std::string> notes = {
        {"Reduce-18", "axes moved from attribute to optional input; noop_with_empty_axes added"},
        {"ReduceMax-20", "bool inputs allowed"}, {"ReduceMin-20", "bool inputs allowed"},
        {"Split-18", "num_outputs attribute added (equal parts, last smaller)"},
        {"Pad-18", "optional axes input added"}, {"Pad-19", "wrap mode added"},
        {"Pad-21", "int4/uint4 and float8 types"}, {"Pad-23", "float4e2m1 type"},
        {"Resize-18", "antialias, axes and keep_aspect_ratio_policy added"},
        {"Resize-19", "half_pixel_symmetric coordinate mode added"},
        {"ScatterElements-18", "max and min reductions added"}, {"ScatterND-18", "max and min reductions added"},
        {"LpPool-18", "ceil_mode and dilations added"}, {"AveragePool-19", "dilations added"},
        {"Cast-19", "float8 types and the saturate attribute"}, {"CastLike-19", "float8 types and the saturate attribute"},
        {"QuantizeLinear-19", "float8 outputs, saturate attribute"}, {"DequantizeLinear-19", "float8 inputs, float16/bfloat16 scales"},
        {"QuantizeLinear-21", "blocked quantization (block_size), output_dtype, int4/uint4"},
        {"DequantizeLinear-21", "blocked quantization (block_size), int4/uint4"},
        {"QuantizeLinear-23", "float4e2m1 output, precision attribute"},
        {"DequantizeLinear-23", "float4e2m1 input"},
        {"GroupNormalization-21", "scale and bias are per channel (were per group); stash_type added"},
        {"Equal-19", "string inputs allowed"},
        {"ConstantOfShape-20", "float8 values"},
        {"GridSample-20", "N-d input and the linear/cubic mode names"},
        {"Gelu-20", "new op"},
    };
    const bool reduce = op.rfind("Reduce", 0) == 0 && v == 18;
    auto it = notes.find(reduce ? "Reduce-18" : op + "-" + std::to_string(v));
    if (it != notes.end())
        return it->second;
    if (v == 22)
        return "bfloat16 added to its types";
    if (v == 19 || v == 20)
        return "float8 types added";
    if (v == 21)
        return "int4/uint4 and float8 types added";
    if (v == 23)
        return "float4e2m1 and more float8 types added";
    return "";
}

std::vector<std::string> strings(const std::vector<const char*>& v) { return {v.begin(), v.end()}; }

} // namespace

int newestTableOpset() { return 23; }

const std::vector<OpsetOpInfo>& newerOpVersions()
{
    static const std::vector<OpsetOpInfo> table = [] {
        std::vector<OpsetOpInfo> t;
        // An op new in opsets 18-23 has no earlier version among these and none in ONNX 1.12.
        std::map<std::string, int> first;
        for (const auto& r : kSignatures) {
            auto it = first.find(r.op);
            if (it == first.end() || r.since < it->second)
                first[r.op] = r.since;
        }
        for (const auto& r : kSignatures) {
            OpsetOpInfo info;
            info.op = r.op;
            info.sinceVersion = r.since;
            info.inputs = strings(r.inputs);
            info.outputs = strings(r.outputs);
            info.attributes = strings(r.attributes);
            info.typeConstraints = strings(r.constraints);
            auto s = summaries().find(r.op);
            info.summary = s != summaries().end() ? s->second : "";
            t.push_back(std::move(info));
        }
        for (auto& info : t)
            info.change = changeNote(info.op, info.sinceVersion);
        static const char* const newOps[] = {"AffineGrid", "Attention", "BitwiseAnd", "BitwiseNot", "BitwiseOr",
                                             "BitwiseXor", "CenterCropPad", "Col2Im", "DeformConv", "Gelu",
                                             "GroupNormalization", "ImageDecoder", "Mish", "OptionalGetElement",
                                             "OptionalHasElement", "RMSNormalization", "RegexFullMatch",
                                             "RotaryEmbedding", "StringConcat", "StringSplit"};
        // Ops that exist only from opset 18 on (their first version here is their first version).
        for (auto& info : t)
            for (const char* n : newOps)
                if (info.op == n && first[info.op] == info.sinceVersion && info.op != "OptionalGetElement"
                    && info.op != "OptionalHasElement")
                    info.change = "new operator";
        return t;
    }();
    return table;
}

int laterOpVersion(const std::string& op, int opset)
{
    int best = 0;
    for (const auto& l : kLater)
        if (op == l.op && l.since <= opset)
            best = std::max(best, l.since);
    return best;
}

const OpsetOpInfo* newerOpVersion(const std::string& op, int opset)
{
    if (laterOpVersion(op, opset))
        return nullptr;
    const OpsetOpInfo* best = nullptr;
    for (const auto& info : newerOpVersions())
        if (info.op == op && info.sinceVersion <= opset && (!best || info.sinceVersion > best->sinceVersion))
            best = &info;
    return best;
}

} // namespace netfold
