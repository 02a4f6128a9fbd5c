package dev.k3sautoscaler.core.model;

public enum ScalingAction { NOOP, SCALE_UP, SCALE_DOWN }
