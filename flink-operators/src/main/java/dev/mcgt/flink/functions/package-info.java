/**
 * The gated transformer as a Flink keyed process function: its input and output records, the model sources
 * and the JVM-wide model cache, and the settings shipped with the job graph.
 */
package dev.mcgt.flink.functions;
