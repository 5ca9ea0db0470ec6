package io.spindle.kernels;
