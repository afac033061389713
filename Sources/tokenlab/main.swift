print("tokenlab")
