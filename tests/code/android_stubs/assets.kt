// The few Android classes the generated classifier uses, with the signatures of the Android
// SDK, so that kotlinc can check the generated code without the SDK. Nothing here runs.
package android.content.res

class AssetManager

