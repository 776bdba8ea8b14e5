package hookhub
