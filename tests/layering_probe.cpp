// Built only by the `layering` test, as part of the model layer (see core/CMakeLists.txt).
// The first include must resolve (the model layer sees itself); the second must not: the model
// layer may not use passes/, so this file failing to compile on "passes/Pass.h" is the pass.
#include "model/Graph.h"
#include "passes/Pass.h"

int netfoldLayeringProbe()
{
    return 0;
}
