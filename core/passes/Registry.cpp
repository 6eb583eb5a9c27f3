#include "passes/Passes.h"

namespace netfold::passes {

std::vector<std::unique_ptr<Pass>> optimizerPasses()
{
    std::vector<std::unique_ptr<Pass>> p;
    p.push_back(eliminateNopCast());
    p.push_back(eliminateNopDropout());
    p.push_back(eliminateNopFlatten());
    p.push_back(extractConstantToInitializer());
    p.push_back(eliminateConsecutiveIdempotentOps());
    p.push_back(eliminateIfWithConstCond());
    p.push_back(eliminateNopMonotoneArgmax());
    p.push_back(eliminateNopPad());
    p.push_back(eliminateNopConcat());
    p.push_back(eliminateNopSplit());
    p.push_back(eliminateNopExpand());
    p.push_back(eliminateShapeGather());
    p.push_back(eliminateSliceAfterShape());
    p.push_back(eliminateNopTranspose());
    p.push_back(fuseAddBiasIntoConv());
    p.push_back(fuseBnIntoConv());
    p.push_back(fuseConsecutiveConcats());
    p.push_back(fuseConsecutiveLogSoftmax());
    p.push_back(fuseConsecutiveReduceUnsqueeze());
    p.push_back(fuseConsecutiveSqueezes());
    p.push_back(fuseConsecutiveTransposes());
    p.push_back(fuseMatmulAddBiasIntoGemm());
    p.push_back(fusePadIntoConv());
    p.push_back(fusePadIntoPool());
    p.push_back(fuseTransposeIntoGemm());
    p.push_back(fuseConcatIntoReshape());
    p.push_back(eliminateNopReshape());
    p.push_back(eliminateNopWithUnit());
    p.push_back(eliminateCommonSubexpression());
    p.push_back(fuseQkv());
    p.push_back(fuseConsecutiveUnsqueezes());
    p.push_back(eliminateDeadend());
    p.push_back(eliminateIdentity());
    p.push_back(eliminateShapeOp());
    p.push_back(fuseConsecutiveSlices());
    p.push_back(fuseLayerNormalization());
    p.push_back(fuseGelu());
    p.push_back(fuseGroupNormalization());
    p.push_back(fuseRmsNormalization());
    p.push_back(fuseAttention());
    p.push_back(eliminateUnusedInitializer());
    p.push_back(eliminateDuplicateInitializer());
    p.push_back(foldShapeChains());
    return p;
}

} // namespace netfold::passes
