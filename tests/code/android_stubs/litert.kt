// LiteRT's Kotlin API (com.google.ai.edge.litert: CompiledModel, TensorBuffer), signatures only.
package com.google.ai.edge.litert

import android.content.res.AssetManager

enum class Accelerator { NONE, CPU, GPU, NPU }

class Environment

class TensorBuffer {
    fun writeFloat(data: FloatArray): Unit = throw NotImplementedError()
    fun writeInt8(data: ByteArray): Unit = throw NotImplementedError()
    fun readFloat(): FloatArray = throw NotImplementedError()
    fun readInt8(): ByteArray = throw NotImplementedError()
}

class CompiledModel private constructor() {
    class Options(vararg val accelerators: Accelerator)

    fun createInputBuffers(): List<TensorBuffer> = throw NotImplementedError()
    fun createOutputBuffers(): List<TensorBuffer> = throw NotImplementedError()
    fun run(inputs: List<TensorBuffer>, outputs: List<TensorBuffer>): Unit = throw NotImplementedError()

    companion object {
        @JvmStatic
        fun create(assetManager: AssetManager, assetName: String, options: Options,
                   env: Environment? = null): CompiledModel = throw NotImplementedError()
    }
}
