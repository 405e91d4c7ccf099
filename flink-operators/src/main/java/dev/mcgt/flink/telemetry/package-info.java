/** Side outputs (tier transitions, energy, model upgrades, rejects) and Flink metrics of the scoring function. */
package dev.mcgt.flink.telemetry;
