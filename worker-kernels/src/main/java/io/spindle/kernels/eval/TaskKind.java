package io.spindle.kernels.eval;

/** The kind of prediction being evaluated; decides which metrics exist. */
public enum TaskKind { REGRESSION, BINARY, MULTICLASS, MULTILABEL }
