#pragma once
#include "model/Graph.h"

#include <functional>
#include <string>

namespace onnx {
class ModelProto;
class GraphProto;
class TypeProto;
} // namespace onnx

namespace netfold {

struct LoadOptions {
    /// Missing or too short external data files are errors (otherwise warnings in Model::warnings;
    /// the values then fail to decode when read). External data outside the model's folder and
    /// locations that are not regular files are always errors.
    bool requireExternalData = false;
    /// Trust the model: external data locations may point outside its folder (absolute, ../).
    bool allowExternalDataAnywhere = false;
};

/// Reads an .onnx file into netfold's IR. Weights are not decoded; shapes are not inferred (that
/// is shape/Open.h's openModel, one layer up). Throws Error with a one-line
/// message naming the file and the problem (missing, not a model, truncated, cycle, ...).
Model loadModel(const std::string& path, const LoadOptions& options = {});
/// Converts a parsed ModelProto (consumed) into the IR and validates it; baseDir resolves external data.
Model modelFromProto(onnx::ModelProto&& proto, const std::string& baseDir, const LoadOptions& options = {});
/// Parses serialized model bytes (as from a file) and converts them.
Model modelFromBytes(const std::string& bytes, const LoadOptions& options = {});

struct SaveOptions {
    /// Allow writing over the file the model was loaded from.
    bool overwriteInput = false;
    enum class External { Auto, Always, Never };
    /// Auto: external data when the input had some or the tensors exceed 1.8 GB.
    External external = External::Auto;
    /// Tensors of at least this many bytes go to the external file when external data is used.
    std::size_t externalThreshold = 1024;
    /// Fault injection for tests: called at each stage of a save ("data-written", "model-written",
    /// "data-renamed"); throwing from it makes the save fail there.
    std::function<void(const char* stage)> faultHook;
};

/// Writes the model atomically (temp file + rename; with external data, `<file>.data` beside it,
/// the pair as a unit: on failure the old pair is left as it was and no temp file remains).
/// Refuses to write over the model's source file unless options.overwriteInput, over any file the
/// model still reads its weights from, and over devices, FIFOs and sockets. Temp files of killed
/// earlier saves (".NAME.tmp-PID-*" of a process that is gone) are removed. Throws Error.
void saveModel(const Model& model, const std::string& path, const SaveOptions& options = {});
/// Builds the full ModelProto with every tensor inline (used by save and by tests).
void modelToProto(const Model& model, onnx::ModelProto& proto);
/// One graph as a GraphProto, tensors inline (external tensors decoded).
void graphToProto(const Graph& graph, onnx::GraphProto& proto);
/// Serialized bytes of the model with tensors inline.
std::string modelToBytes(const Model& model);

/// Conversions between ONNX TypeProto and ValueType.
ValueType valueTypeFromProto(const onnx::TypeProto& type);
void valueTypeToProto(const ValueType& type, onnx::TypeProto& proto);

/// Checks a graph: every input provided, no value produced twice, no cycle. Nodes that are not
/// in topological order are sorted. outerScope lists names visible from enclosing graphs.
void validateGraph(Graph& graph, const std::vector<std::string>& outerScope = {});

} // namespace netfold
