package io.spindle.driver;
