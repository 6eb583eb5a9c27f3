// If, Loop and Scan: their bodies run with the enclosing graph's values in scope.
#include "eval/Broadcast.h"
#include "eval/Kernel.h"
#include "eval/TensorOps.h"
#include "eval/Values.h"

#include <algorithm>
#include <algorithm>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

const Graph& body(const KernelContext& ctx, const std::string& attribute)
{
    for (const auto& sg : ctx.node().subgraphs)
        if (sg.attribute == attribute && sg.graph)
            return *sg.graph;
    ctx.fail("graph attribute '" + attribute + "' is missing");
}

bool scalarBool(const KernelContext& ctx, const Tensor& t, const std::string& what)
{
    if (t.numel() != 1 || !isNumericType(t.dtype()))
        ctx.fail(what + " must be one bool, not " + dtypeName(t.dtype()) + dimsString(t.dims()));
    return readAs<double>(t)[0] != 0;
}

Outputs runBody(const KernelContext& ctx, const Graph& graph, const std::vector<TensorPtr>& inputs)
{
    return runGraph(graph, inputs, ctx.scope(), ctx.opset(), ctx.options());
}

Outputs ifOp(KernelContext& ctx)
{
    const bool cond = scalarBool(ctx, ctx.in(0), "the condition");
    const Graph& branch = body(ctx, cond ? "then_branch" : "else_branch");
    Outputs outputs = runBody(ctx, branch, {});
    if (outputs.size() != ctx.outputCount())
        ctx.fail(std::string(cond ? "then" : "else") + "_branch has " + std::to_string(outputs.size())
                 + " outputs, the node " + std::to_string(ctx.outputCount()));
    return outputs;
}

/// Stacks per-iteration values along a new axis; with no iterations, an empty tensor shaped from
/// the body output's declared type.
TensorPtr stackIterations(const KernelContext& ctx, const std::vector<TensorPtr>& parts, const ValueInfo& info,
                          int64_t axis, bool reverse)
{
    if (parts.empty()) {
        std::vector<int64_t> dims = info.type.staticDims().value_or(std::vector<int64_t>{});
        dims.insert(dims.begin() + std::min<int64_t>(axis, static_cast<int64_t>(dims.size())), 0);
        const int32_t dt = info.type.elemType ? info.type.elemType : dtype::Float;
        return Output(ctx, dt, dims).finish();
    }
    std::vector<const Tensor*> list;
    for (const auto& p : parts)
        list.push_back(p.get());
    if (reverse)
        std::reverse(list.begin(), list.end());
    return joinAlong(ctx, list, axis, true);
}

/// Adds the newest iteration's scan outputs to bytes; fails when the total exceeds the output size limit.
void checkAccumulated(const KernelContext& ctx, const std::vector<std::vector<TensorPtr>>& scans, double& bytes)
{
    for (const auto& scan : scans)
        if (!scan.empty() && scan.back())
            bytes += double(scan.back()->byteSize());
    if (bytes > double(ctx.options().maxOutputBytes))
        ctx.failAtLimit("scan outputs would be over " + formatBytes(bytes) + ", over the "
                        + formatBytes(double(ctx.options().maxOutputBytes)) + " limit");
}

Outputs loop(KernelContext& ctx)
{
    const Graph& graph = body(ctx, "body");
    if (!ctx.has(0) && !ctx.has(1))
        ctx.fail("it has neither a trip count nor a condition, so it would never end");
    const std::size_t nState = ctx.inputCount() < 2 ? 0 : ctx.inputCount() - 2;
    if (graph.inputs.size() != nState + 2 || graph.outputs.size() < nState + 1)
        ctx.fail("its body takes " + std::to_string(graph.inputs.size()) + " inputs and gives "
                 + std::to_string(graph.outputs.size()) + " outputs; " + std::to_string(nState)
                 + " loop-carried values need " + std::to_string(nState + 2) + " inputs");
    const std::size_t nScan = graph.outputs.size() - 1 - nState;
    const int64_t tripCount = ctx.has(0) ? ctx.scalarInt(0) : std::numeric_limits<int64_t>::max();
    bool cond = ctx.has(1) ? scalarBool(ctx, ctx.in(1), "the condition") : true;
    std::vector<TensorPtr> state;
    for (std::size_t i = 0; i < nState; ++i)
        state.push_back(ctx.inPtr(i + 2));
    std::vector<std::vector<TensorPtr>> scans(nScan);
    double scanBytes = 0;
    for (int64_t iter = 0; iter < tripCount && cond; ++iter) {
        if (iter >= ctx.options().maxLoopIterations)
            ctx.failAtLimit("it ran " + std::to_string(iter) + " iterations, the limit for one Loop (trip count "
                            + std::to_string(tripCount) + ")");
        ctx.checkBudget(true);
        std::vector<TensorPtr> inputs{Tensor::int64s({iter}, {}), Tensor::scalar(dtype::Bool, cond)};
        inputs.insert(inputs.end(), state.begin(), state.end());
        Outputs outputs = runBody(ctx, graph, inputs);
        if (ctx.has(1))
            cond = scalarBool(ctx, *outputs[0], "the body's condition output");
        state.assign(outputs.begin() + 1, outputs.begin() + 1 + static_cast<std::ptrdiff_t>(nState));
        for (std::size_t k = 0; k < nScan; ++k)
            scans[k].push_back(outputs[1 + nState + k]);
        checkAccumulated(ctx, scans, scanBytes);
    }
    Outputs result = state;
    for (std::size_t k = 0; k < nScan; ++k)
        result.push_back(stackIterations(ctx, scans[k], graph.outputs[1 + nState + k], 0, false));
    return result;
}

/// Scan's per-input or per-output attribute list (axes or directions), defaulting to zeros.
std::vector<int64_t> scanAttr(const KernelContext& ctx, const std::string& name, std::size_t count)
{
    std::vector<int64_t> v = ctx.attrInts(name);
    if (v.empty())
        v.assign(count, 0);
    if (v.size() != count)
        ctx.fail(name + " has " + std::to_string(v.size()) + " entries for " + std::to_string(count) + " values");
    return v;
}

Outputs scan(KernelContext& ctx)
{
    if (ctx.opset() < 9)
        ctx.fail("Scan before opset 9 (with a batch axis) has no kernel");
    const Graph& graph = body(ctx, "body");
    const auto nInputs = static_cast<std::size_t>(ctx.requiredInt("num_scan_inputs"));
    if (nInputs > ctx.inputCount())
        ctx.fail("num_scan_inputs is larger than the number of inputs");
    const std::size_t nState = ctx.inputCount() - nInputs;
    if (graph.inputs.size() != ctx.inputCount() || graph.outputs.size() < nState)
        ctx.fail("its body's inputs and outputs do not match the node's");
    const std::size_t nOutputs = graph.outputs.size() - nState;
    const auto inAxes = scanAttr(ctx, "scan_input_axes", nInputs);
    const auto inDirs = scanAttr(ctx, "scan_input_directions", nInputs);
    const auto outAxes = scanAttr(ctx, "scan_output_axes", nOutputs);
    const auto outDirs = scanAttr(ctx, "scan_output_directions", nOutputs);
    int64_t length = -1;
    std::vector<int64_t> axes;
    for (std::size_t k = 0; k < nInputs; ++k) {
        const Tensor& t = ctx.in(nState + k);
        axes.push_back(ctx.axis(inAxes[k], static_cast<int64_t>(t.rank())));
        const int64_t len = t.dims()[static_cast<std::size_t>(axes[k])];
        if (length >= 0 && len != length)
            ctx.fail("scan inputs have different lengths (" + std::to_string(length) + " and " + std::to_string(len) + ")");
        length = len;
    }
    if (length < 0)
        ctx.fail("it has no scan inputs");
    std::vector<TensorPtr> state;
    for (std::size_t i = 0; i < nState; ++i)
        state.push_back(ctx.inPtr(i));
    std::vector<std::vector<TensorPtr>> scans(nOutputs);
    double scanBytes = 0;
    for (int64_t step = 0; step < length; ++step) {
        ctx.checkBudget(true);
        std::vector<TensorPtr> inputs = state;
        for (std::size_t k = 0; k < nInputs; ++k) {
            const int64_t at = inDirs[k] ? length - 1 - step : step;
            inputs.push_back(sliceAlong(ctx, ctx.in(nState + k), axes[k], at, 1, true));
        }
        Outputs outputs = runBody(ctx, graph, inputs);
        state.assign(outputs.begin(), outputs.begin() + static_cast<std::ptrdiff_t>(nState));
        for (std::size_t k = 0; k < nOutputs; ++k)
            scans[k].push_back(outputs[nState + k]);
        checkAccumulated(ctx, scans, scanBytes);
    }
    Outputs result = state;
    for (std::size_t k = 0; k < nOutputs; ++k) {
        const ValueInfo& info = graph.outputs[nState + k];
        const int64_t rank = scans[k].empty() ? static_cast<int64_t>(info.type.dims.size())
                                              : static_cast<int64_t>(scans[k].front()->rank());
        const int64_t axis = ctx.axis(outAxes[k], rank + 1);
        result.push_back(stackIterations(ctx, scans[k], info, axis, outDirs[k] != 0));
    }
    return result;
}

} // namespace

void registerControlFlowKernels(KernelTable& table)
{
    table["If"] = ifOp;
    table["Loop"] = loop;
    table["Scan"] = scan;
}

} // namespace netfold::eval
