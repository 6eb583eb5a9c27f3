#pragma once
#include "model/Graph.h"

#include <string>

namespace netfold {

/// Highest ai.onnx opset the linked ONNX library knows (17 for ONNX 1.12).
int knownOnnxOpset();

/// Runs ONNX shape inference node by node over the model (subgraphs included): fills
/// Graph::types for every value it can, and Graph::inferenceNotes with the reason for every
/// node whose outputs it could not infer (unknown op or domain, an opset newer than ONNX 1.12
/// knows, an inference error). Never throws for model content.
void inferShapes(Model& model);

/// inferShapes(model), for tests and benchmarks: reuseResults false infers every node itself
/// instead of reusing the result of an earlier node with the same op, attributes, input types
/// and read input values (the results are the same either way).
struct InferenceStats {
    int reusedResults = 0;
};
InferenceStats inferShapesWith(Model& model, bool reuseResults);

/// Same for one graph of the model, given the types visible from enclosing graphs.
void inferShapes(Graph& graph, const Model& model, const std::unordered_map<std::string, ValueType>& outer = {});

} // namespace netfold
