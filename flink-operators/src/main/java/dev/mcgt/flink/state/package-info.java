/** Flink serializers of the per-document stream state, with versioned snapshots for state migration. */
package dev.mcgt.flink.state;
