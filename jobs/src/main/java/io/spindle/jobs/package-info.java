package io.spindle.jobs;
