// Kernel dispatch and whole-graph evaluation.
#include "eval/Evaluator.h"
#include "eval/Broadcast.h"

#include "eval/Kernel.h"
#include "eval/Values.h"

#include <new>
#include <set>

namespace netfold {

namespace {

/// Opset assumed when a model imports no ai.onnx opset.
constexpr int64_t kDefaultOpset = 21;

const eval::KernelTable& kernels()
{
    static const eval::KernelTable table = [] {
        eval::KernelTable t;
        eval::registerMathKernels(t);
        eval::registerShapeKernels(t);
        eval::registerIndexKernels(t);
        eval::registerReduceKernels(t);
        eval::registerMatMulKernels(t);
        eval::registerNNKernels(t);
        eval::registerControlFlowKernels(t);
        eval::registerNewOpsetKernels(t);
        eval::registerRnnKernels(t);
        eval::registerQuantKernels(t);
        eval::registerDetectionKernels(t);
        eval::registerEinsumKernels(t);
        eval::registerSignalKernels(t);
        eval::registerMiscKernels(t);
        return t;
    }();
    return table;
}

bool isDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

std::string qualifiedOp(const Node& node)
{
    return isDefaultDomain(node.domain) ? node.opType : node.domain + ":" + node.opType;
}

/// Runs the kernel, turning foreign errors (a tensor that cannot be decoded, memory) into node errors.
std::vector<TensorPtr> runKernel(eval::KernelFn kernel, eval::KernelContext& ctx)
{
    try {
        return kernel(ctx);
    } catch (const Error& e) {
        const std::string message = e.what();
        if (message.rfind("Cannot evaluate ", 0) == 0)
            throw;
        const bool period = !message.empty() && message.back() == '.';
        throw Error(ctx.prefix() + (period ? message.substr(0, message.size() - 1) : message) + ".");
    } catch (const std::bad_alloc&) {
        ctx.fail("out of memory");
    } catch (const std::length_error&) {
        ctx.fail("an intermediate result would be larger than memory can hold");
    }
}

std::string graphLabel(const Graph& graph) { return quote(graph.name.empty() ? std::string("(unnamed)") : graph.name); }

/// Evaluates the nodes of graph in order on top of values; returns every value computed or given.
void runNodes(const Graph& graph, std::unordered_map<std::string, TensorPtr>& values, const eval::Scope* parent,
              int64_t opset, const EvalOptions& options)
{
    const eval::Scope scope{&values, parent};
    for (const Node& node : graph.nodes) {
        std::vector<TensorPtr> inputs;
        inputs.reserve(node.inputs.size());
        for (const auto& name : node.inputs) {
            if (name.empty()) {
                inputs.push_back(nullptr);
                continue;
            }
            TensorPtr v = scope.find(name);
            if (!v)
                throw Error("Cannot evaluate graph " + graphLabel(graph) + ": value " + quote(name) + " read by node "
                            + quote(node.label()) + " is not available.");
            inputs.push_back(std::move(v));
        }
        auto outputs = eval::evaluateNodeInScope(node, inputs, opset, &scope, options);
        for (std::size_t i = 0; i < node.outputs.size(); ++i)
            if (!node.outputs[i].empty())
                values[node.outputs[i]] = std::move(outputs[i]);
    }
}

std::vector<TensorPtr> collectOutputs(const Graph& graph, const eval::Scope& scope)
{
    std::vector<TensorPtr> outputs;
    for (const auto& out : graph.outputs) {
        TensorPtr v = scope.find(out.name);
        if (!v)
            throw Error("Cannot evaluate graph " + graphLabel(graph) + ": output " + quote(out.name)
                        + " is never computed.");
        outputs.push_back(std::move(v));
    }
    return outputs;
}

/// Fails when a fed value contradicts the graph input's declared dtype or static dims.
void checkFeed(const Graph& graph, const ValueInfo& input, const Tensor& value)
{
    const std::string what = "Cannot evaluate graph " + graphLabel(graph) + ": input " + quote(input.name);
    if (input.type.elemType && input.type.elemType != value.dtype())
        throw Error(what + " is " + dtypeName(input.type.elemType) + ", but was fed " + dtypeName(value.dtype()) + ".");
    if (!input.type.hasShape)
        return;
    bool ok = input.type.dims.size() == value.rank();
    for (std::size_t i = 0; ok && i < value.rank(); ++i)
        ok = !input.type.dims[i].known() || input.type.dims[i].value == value.dims()[i];
    if (!ok)
        throw Error(what + " has shape " + input.type.shapeString() + ", but was fed shape "
                    + eval::dimsString(value.dims()) + ".");
}

void collectMissing(const Graph& graph, std::set<std::string>& missing)
{
    for (const Node& node : graph.nodes) {
        if (!hasKernel(node.opType, node.domain))
            missing.insert(qualifiedOp(node));
        for (const auto& sg : node.subgraphs)
            if (sg.graph)
                collectMissing(*sg.graph, missing);
    }
}

} // namespace

namespace eval {

std::vector<TensorPtr> runGraph(const Graph& graph, const std::vector<TensorPtr>& inputs, const Scope* scope,
                                int64_t opset, const EvalOptions& options)
{
    if (inputs.size() != graph.inputs.size())
        throw Error("Cannot evaluate graph " + graphLabel(graph) + ": it takes " + std::to_string(graph.inputs.size())
                    + " inputs, got " + std::to_string(inputs.size()) + ".");
    std::unordered_map<std::string, TensorPtr> values;
    for (const auto& init : graph.initializers)
        values[init.name] = init.tensor;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        values[graph.inputs[i].name] = inputs[i];
    runNodes(graph, values, scope, opset, options);
    return collectOutputs(graph, Scope{&values, scope});
}

std::vector<TensorPtr> evaluateNodeInScope(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                                           const Scope* scope, const EvalOptions& options)
{
    KernelContext ctx(node, inputs, opset, options, scope);
    if (inputs.size() != node.inputs.size())
        ctx.fail("got " + std::to_string(inputs.size()) + " input values for " + std::to_string(node.inputs.size())
                 + " inputs");
    if (!hasKernel(node.opType, node.domain)) {
        const std::string why = isDefaultDomain(node.domain) ? noKernelReason(node.opType) : std::string();
        ctx.fail("op " + quote(qualifiedOp(node)) + " has no kernel" + (why.empty() ? "" : " (" + why + ")"));
    }
    ctx.checkBudget();
    // Kernels walk the dims around an axis (outer x inner) and buffer rows of them, so an empty
    // tensor can still ask for endless work or memory: [2^20, 0, 2^20] is 2^40 empty steps.
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i] && inputs[i]->numel() == 0)
            ctx.checkEmptyExtent(inputs[i]->dims(), "input " + std::to_string(i) + " " + quote(node.inputs[i]));
    auto outputs = runKernel(kernels().at(node.opType), ctx);
    if (outputs.size() > node.outputs.size())
        outputs.resize(node.outputs.size());
    for (std::size_t i = 0; i < node.outputs.size(); ++i) {
        if (node.outputs[i].empty()) {
            if (i < outputs.size())
                outputs[i] = nullptr;
        } else if (i >= outputs.size() || !outputs[i]) {
            ctx.fail("output " + std::to_string(i) + " " + quote(node.outputs[i]) + " is not produced by the kernel");
        }
    }
    outputs.resize(node.outputs.size());
    return outputs;
}

} // namespace eval

bool hasKernel(const std::string& opType, const std::string& domain)
{
    return isDefaultDomain(domain) && kernels().count(opType) != 0;
}

std::vector<std::string> supportedOps()
{
    std::vector<std::string> ops;
    for (const auto& entry : kernels())
        ops.push_back(entry.first);
    return ops;
}

std::vector<TensorPtr> evaluateNode(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                                    const EvalOptions& options)
{
    return eval::evaluateNodeInScope(node, inputs, opset, nullptr, options);
}

std::vector<TensorPtr> evaluateNodeInScope(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                                           const std::map<std::string, TensorPtr>& scope, const EvalOptions& options)
{
    const std::unordered_map<std::string, TensorPtr> values(scope.begin(), scope.end());
    const eval::Scope outer{&values, nullptr};
    return eval::evaluateNodeInScope(node, inputs, opset, &outer, options);
}

std::map<std::string, TensorPtr> evaluateGraph(const Model& model, const Graph& graph,
                                               const std::map<std::string, TensorPtr>& feeds,
                                               const std::map<std::string, TensorPtr>& outer,
                                               const EvalOptions& options)
{
    const int64_t opset = model.opsetVersion("") ? model.opsetVersion("") : kDefaultOpset;
    const std::unordered_map<std::string, TensorPtr> outerValues(outer.begin(), outer.end());
    const eval::Scope outerScope{&outerValues, nullptr};
    std::unordered_map<std::string, TensorPtr> values;
    for (const auto& init : graph.initializers)
        values[init.name] = init.tensor;
    std::set<std::string> inputNames;
    for (const auto& input : graph.inputs)
        inputNames.insert(input.name);
    for (const auto& feed : feeds)
        if (!inputNames.count(feed.first))
            throw Error("Cannot evaluate graph " + graphLabel(graph) + ": " + quote(feed.first) + " is not one of its inputs.");
    for (const auto& input : graph.inputs) {
        auto it = feeds.find(input.name);
        if (it != feeds.end() && it->second) {
            checkFeed(graph, input, *it->second);
            values[input.name] = it->second;
        } else if (!values.count(input.name)) {
            throw Error("Cannot evaluate graph " + graphLabel(graph) + ": input " + quote(input.name) + " is not fed.");
        }
    }
    runNodes(graph, values, &outerScope, opset, options);
    const auto outputs = collectOutputs(graph, eval::Scope{&values, &outerScope});
    std::map<std::string, TensorPtr> result;
    for (std::size_t i = 0; i < outputs.size(); ++i)
        result[graph.outputs[i].name] = outputs[i];
    return result;
}

std::vector<std::string> missingKernels(const Graph& graph)
{
    std::set<std::string> missing;
    collectMissing(graph, missing);
    return {missing.begin(), missing.end()};
}

} // namespace netfold
