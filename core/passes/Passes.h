#pragma once
#include "passes/Pass.h"

#include <memory>
#include <vector>

namespace netfold::passes {

// Nop eliminations (EliminatePasses.cpp)
std::unique_ptr<Pass> eliminateNopCast();
std::unique_ptr<Pass> eliminateNopDropout();
std::unique_ptr<Pass> eliminateNopFlatten();
std::unique_ptr<Pass> eliminateNopMonotoneArgmax();
std::unique_ptr<Pass> eliminateNopPad();
std::unique_ptr<Pass> eliminateNopConcat();
std::unique_ptr<Pass> eliminateNopSplit();
std::unique_ptr<Pass> eliminateNopExpand();
std::unique_ptr<Pass> eliminateNopTranspose();
std::unique_ptr<Pass> eliminateNopReshape();
std::unique_ptr<Pass> eliminateNopWithUnit();
std::unique_ptr<Pass> eliminateDeadend();
std::unique_ptr<Pass> eliminateIdentity();

// Constants (ConstantPasses.cpp)
std::unique_ptr<Pass> extractConstantToInitializer();
std::unique_ptr<Pass> eliminateShapeGather();
std::unique_ptr<Pass> eliminateSliceAfterShape();
std::unique_ptr<Pass> eliminateShapeOp();
std::unique_ptr<Pass> eliminateUnusedInitializer();
std::unique_ptr<Pass> eliminateDuplicateInitializer();
std::unique_ptr<Pass> foldConstants();

// Shape chains (ShapeChainPasses.cpp)
std::unique_ptr<Pass> fuseConcatIntoReshape();
std::unique_ptr<Pass> foldShapeChains();

// Fusions (FusePasses.cpp)
std::unique_ptr<Pass> eliminateConsecutiveIdempotentOps();
std::unique_ptr<Pass> fuseAddBiasIntoConv();
std::unique_ptr<Pass> fuseBnIntoConv();
std::unique_ptr<Pass> fuseConsecutiveConcats();
std::unique_ptr<Pass> fuseConsecutiveLogSoftmax();
std::unique_ptr<Pass> fuseConsecutiveReduceUnsqueeze();
std::unique_ptr<Pass> fuseConsecutiveSqueezes();
std::unique_ptr<Pass> fuseConsecutiveTransposes();
std::unique_ptr<Pass> fuseMatmulAddBiasIntoGemm();
std::unique_ptr<Pass> fusePadIntoConv();
std::unique_ptr<Pass> fusePadIntoPool();
std::unique_ptr<Pass> fuseTransposeIntoGemm();
std::unique_ptr<Pass> fuseQkv();
std::unique_ptr<Pass> fuseConsecutiveUnsqueezes();
std::unique_ptr<Pass> fuseConsecutiveSlices();

// Fusions into ops of newer opsets (NormFusionPasses.cpp)
std::unique_ptr<Pass> fuseLayerNormalization();
std::unique_ptr<Pass> fuseGelu();
std::unique_ptr<Pass> fuseGroupNormalization();
std::unique_ptr<Pass> fuseRmsNormalization();
std::unique_ptr<Pass> fuseAttention();

// Control flow and CSE (StructurePasses.cpp)
std::unique_ptr<Pass> eliminateIfWithConstCond();
std::unique_ptr<Pass> eliminateCommonSubexpression();

/// The optimizer passes in onnxsim's default run order, with netfold's own (the fusions into ops of
/// newer opsets, fold_shape_chains) among them.
/// Constant folding (fold_constants) is not in this list: the pipeline runs it as its own phase.
std::vector<std::unique_ptr<Pass>> optimizerPasses();

} // namespace netfold::passes
