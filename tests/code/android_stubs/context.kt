package android.content

import android.content.res.AssetManager

abstract class Context {
    abstract val assets: AssetManager
}
