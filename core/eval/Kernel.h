#pragma once
// Internal to core/eval: what every kernel sees (its node, inputs, attributes, limits) and how it
// validates inputs and builds outputs.
#include "eval/Evaluator.h"

#include "model/DataType.h"
#include "util/Error.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace netfold::eval {

/// Values visible to a graph: its own, then those of the enclosing graphs.
struct Scope {
    const std::unordered_map<std::string, TensorPtr>* values = nullptr;
    const Scope* parent = nullptr;
    /// The value of name here or in an enclosing scope, or nullptr.
    TensorPtr find(const std::string& name) const;
};

/// A set of dtypes, one bit per ONNX dtype value.
using TypeSet = uint32_t;
constexpr TypeSet typeBit(int32_t dt) { return TypeSet(1) << dt; }
constexpr TypeSet kFloatTypes =
    typeBit(dtype::Float) | typeBit(dtype::Double) | typeBit(dtype::Float16) | typeBit(dtype::BFloat16);
constexpr TypeSet kSignedInts = typeBit(dtype::Int8) | typeBit(dtype::Int16) | typeBit(dtype::Int32) | typeBit(dtype::Int64);
constexpr TypeSet kUnsignedInts =
    typeBit(dtype::UInt8) | typeBit(dtype::UInt16) | typeBit(dtype::UInt32) | typeBit(dtype::UInt64);
constexpr TypeSet kInts = kSignedInts | kUnsignedInts;
constexpr TypeSet kNumeric = kFloatTypes | kInts;
constexpr TypeSet kSignedNumeric = kFloatTypes | kSignedInts;
constexpr TypeSet kBoolType = typeBit(dtype::Bool);
constexpr TypeSet kNumericOrBool = kNumeric | kBoolType;
constexpr TypeSet kAnyType = kNumericOrBool | typeBit(dtype::String);
constexpr TypeSet kIndexTypes = typeBit(dtype::Int32) | typeBit(dtype::Int64);

/// One node being evaluated: inputs, attributes, validation helpers that throw named errors.
class KernelContext {
public:
    KernelContext(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset, const EvalOptions& options,
                  const Scope* scope);

    const Node& node() const { return m_node; }
    int64_t opset() const { return m_opset; }
    const EvalOptions& options() const { return m_options; }
    const Scope* scope() const { return m_scope; }

    /// "Cannot evaluate node 'X' (Op): ".
    std::string prefix() const;
    /// Throws Error: prefix + reason + ".".
    [[noreturn]] void fail(const std::string& reason) const;
    /// fail() for a cap (size limit, memory budget, iteration or time cap): tells the budget, if
    /// any, that a limit stopped the evaluation (EvalBudget::limitReached).
    [[noreturn]] void failAtLimit(const std::string& reason) const;

    /// Number of input slots (omitted optional inputs included).
    std::size_t inputCount() const { return m_inputs.size(); }
    /// True when input i is given (not omitted).
    bool has(std::size_t i) const { return i < m_inputs.size() && m_inputs[i]; }
    /// Input i; fails when it is missing.
    const Tensor& in(std::size_t i) const;
    /// Input i as a shared pointer (for ops that pass a value through).
    TensorPtr inPtr(std::size_t i) const;
    /// Input i, or nullptr when omitted.
    const Tensor* opt(std::size_t i) const { return has(i) ? m_inputs[i].get() : nullptr; }
    /// Number of outputs the node declares.
    std::size_t outputCount() const { return m_node.outputs.size(); }
    /// True when output i is declared and not omitted.
    bool wantsOutput(std::size_t i) const { return i < m_node.outputs.size() && !m_node.outputs[i].empty(); }

    bool hasAttr(const std::string& name) const { return m_node.hasAttribute(name); }
    int64_t attrInt(const std::string& name, int64_t fallback) const { return m_node.attrInt(name, fallback); }
    float attrFloat(const std::string& name, float fallback) const { return m_node.attrFloat(name, fallback); }
    std::string attrString(const std::string& name, const std::string& fallback = {}) const
    {
        return m_node.attrString(name, fallback);
    }
    std::vector<int64_t> attrInts(const std::string& name) const { return m_node.attrInts(name); }
    std::vector<float> attrFloats(const std::string& name) const { return m_node.attrFloats(name); }
    /// A required int attribute; fails when absent.
    int64_t requiredInt(const std::string& name) const;

    /// Fails unless input i is present and of a dtype in allowed.
    void requireType(std::size_t i, TypeSet allowed) const;
    /// Fails unless inputs i and j have the same dtype.
    void requireSameType(std::size_t i, std::size_t j) const;
    /// Fails unless input i has the given rank.
    void requireRank(std::size_t i, std::size_t rank) const;
    /// Fails unless input i has at least the given rank.
    void requireMinRank(std::size_t i, std::size_t rank) const;
    /// Fails unless output dtype dt is one netfold computes with (numeric or string).
    void requireKnownDtype(int32_t dt, const std::string& what) const;
    /// Normalizes a possibly negative axis into [0, rank); fails when out of range.
    int64_t axis(int64_t axis, int64_t rank) const;
    /// Normalizes axes; fails on out-of-range or repeated axes.
    std::vector<int64_t> axes(const std::vector<int64_t>& axes, int64_t rank) const;
    /// Input i (int32 or int64) read as int64 values.
    std::vector<int64_t> ints(std::size_t i) const;
    /// Input i as one integer (a scalar or a one-element tensor).
    int64_t scalarInt(std::size_t i) const;
    /// Input i as one number (a scalar or a one-element tensor).
    double scalarDouble(std::size_t i) const;
    /// Multidirectional broadcast of shapes; fails when incompatible.
    std::vector<int64_t> broadcast(const std::vector<std::vector<int64_t>>& shapes) const;
    /// Fails when an output of dtype dt and these dims would exceed the size limit; returns numel.
    /// An empty output answers to the same limit for its other dims (see checkEmptyExtent).
    int64_t checkOutput(int32_t dt, const std::vector<int64_t>& dims) const;
    /// Fails when dims hold a zero but their other dims multiply past the size limit, counted as
    /// one double each: kernels walk and buffer those dims (outer x inner loops, scratch rows of
    /// the last axis) as if the tensor were full, so [0, 2^30] could ask for 8 GiB of scratch.
    /// what names the tensor ("input 0 'x'").
    void checkEmptyExtent(const std::vector<int64_t>& dims, const std::string& what) const;
    /// Charges bytes about to be allocated to the shared budget; fails when it is spent.
    void charge(uint64_t bytes) const;
    /// Fails when the wall-clock cap passed or the run was cancelled; with iteration, also counts
    /// one Loop/Scan body run against the iteration cap.
    void checkBudget(bool iteration = false) const;
    /// Counts steps of a long kernel loop and checks the budget (time cap, cancel) about every
    /// million: for kernels whose work is not bounded by the size of their output.
    void tick(int64_t steps) const
    {
        m_steps += steps;
        if (m_steps >= (int64_t(1) << 20)) {
            m_steps = 0;
            checkBudget();
        }
    }
    /// Fails when a scratch buffer of elements values of elementSize bytes (what: "im2col columns")
    /// would exceed the output size limit; returns elements as a size.
    std::size_t checkScratch(double elements, std::size_t elementSize, const std::string& what) const;

private:
    /// Fails when bytes exceed the output size limit or the whole memory budget; the message is
    /// head + the size + tail + which limit.
    void checkBytes(double bytes, const std::string& head, const std::string& tail = {}) const;

    const Node& m_node;
    const std::vector<TensorPtr>& m_inputs;
    int64_t m_opset;
    const EvalOptions& m_options;
    const Scope* m_scope;
    mutable int64_t m_steps = 0;
};

/// A freshly computed output, size-checked against the limit before it is allocated.
class Output {
public:
    /// Zero: elements start at zero. Overwritten: the kernel writes every element itself, so the
    /// storage is not zeroed first (data movement kernels on big weights).
    enum class Fill { Zero, Overwritten };
    Output(const KernelContext& ctx, int32_t dt, std::vector<int64_t> dims, Fill fill = Fill::Zero);

    int32_t dtype() const { return m_dtype; }
    int64_t numel() const { return m_numel; }
    const std::vector<int64_t>& dims() const { return m_dims; }
    /// Stores a computed number, converting it to the output dtype as Cast does (see wrappingCast).
    void setDouble(int64_t i, double v);
    void setInt(int64_t i, int64_t v);
    void setUInt(int64_t i, uint64_t v);
    void setBool(int64_t i, bool v) { m_bytes[static_cast<std::size_t>(i)] = v ? 1 : 0; }
    /// Stores any arithmetic value through the matching setter.
    template <class T> void put(int64_t i, T v)
    {
        if constexpr (std::is_same_v<T, bool>)
            setBool(i, v);
        else if constexpr (std::is_floating_point_v<T>)
            setDouble(i, static_cast<double>(v));
        else if constexpr (std::is_signed_v<T>)
            setInt(i, static_cast<int64_t>(v));
        else
            setUInt(i, static_cast<uint64_t>(v));
    }
    /// Stores values[i] into element i + at for every i (floats into a float output are copied directly).
    template <class T> void putAll(const std::vector<T>& values, int64_t at = 0)
    {
        if constexpr (std::is_same_v<T, float>)
            if (m_dtype == dtype::Float) {
                if (!values.empty())
                    std::memcpy(m_bytes.data() + at * 4, values.data(), values.size() * 4);
                return;
            }
        for (std::size_t i = 0; i < values.size(); ++i)
            put(at + static_cast<int64_t>(i), values[i]);
    }
    /// Copies element j of src (same dtype) into element i.
    void copy(int64_t i, const Tensor& src, int64_t j);
    /// Copies n consecutive elements of src starting at j into i.
    void copyRun(int64_t i, const Tensor& src, int64_t j, int64_t n);
    /// Raw element storage (numeric dtypes).
    template <class T> T* data() { return reinterpret_cast<T*>(m_bytes.data()); }
    TensorPtr finish();

private:
    int32_t m_dtype;
    std::vector<int64_t> m_dims;
    int64_t m_numel;
    std::size_t m_esize;
    Bytes m_bytes;
    std::vector<std::string> m_strings;
};

/// A new tensor with the same elements as t and other dims (Reshape, Squeeze ...).
TensorPtr withDims(const KernelContext& ctx, const Tensor& t, std::vector<int64_t> dims);
/// Input i as doubles broadcast unidirectionally over dims, flattened (fails naming the input when
/// its shape does not broadcast to dims).
std::vector<double> broadcastInput(const KernelContext& ctx, std::size_t i, const std::vector<int64_t>& dims);

using KernelFn = std::vector<TensorPtr> (*)(KernelContext&);
using KernelTable = std::map<std::string, KernelFn>;

void registerMathKernels(KernelTable& table);
void registerShapeKernels(KernelTable& table);
void registerIndexKernels(KernelTable& table);
void registerReduceKernels(KernelTable& table);
void registerMatMulKernels(KernelTable& table);
void registerNNKernels(KernelTable& table);
void registerConvKernels(KernelTable& table);
void registerPoolKernels(KernelTable& table);
void registerResizeKernels(KernelTable& table);
void registerControlFlowKernels(KernelTable& table);
/// Ops added by opsets 18-23 (NewOpsetKernels.cpp).
void registerNewOpsetKernels(KernelTable& table);
void registerRnnKernels(KernelTable& table);
void registerQuantKernels(KernelTable& table);
void registerDetectionKernels(KernelTable& table);
void registerEinsumKernels(KernelTable& table);
void registerSignalKernels(KernelTable& table);
void registerMiscKernels(KernelTable& table);

/// evaluateNode with the values of the enclosing graphs visible to the node's subgraphs.
std::vector<TensorPtr> evaluateNodeInScope(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                                           const Scope* scope, const EvalOptions& options);
/// Runs a graph on positional inputs (in the order of graph.inputs) inside scope; returns its outputs in order.
std::vector<TensorPtr> runGraph(const Graph& graph, const std::vector<TensorPtr>& inputs, const Scope* scope,
                                int64_t opset, const EvalOptions& options);

} // namespace netfold::eval
